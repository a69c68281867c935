#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The kernel peer: a pollnet-bench io bridge between a vhost-user socket
# (port 0, net_vhost, the server side) and a tap interface (port 1,
# net_tap, iface pntap0) running inside a network namespace of its own, so
# the Linux kernel in that namespace talks to pollnet, which connects to
# the socket as virtio_user. Impairments per direction are seeded and
# reproducible (pollnet-bench --impair/--seed).
#
#   tools/peer.sh up [--name N] [--impair-to-kernel SPEC]
#                    [--impair-to-pollnet SPEC] [--seed S] [--cpu C]
#                    [--stats-period S] [--queues Q] [--csum-partial]
#                    [--bench PATH]
#   tools/peer.sh down --name N [--save DIR]
#   tools/peer.sh status --name N
#   tools/peer.sh exec --name N -- CMD...
#
# Addresses (the benchmarking range 198.18.0.0/15 only):
#   kernel  198.18.0.1/24 on pntap0 in namespace pn-N
#   pollnet 198.18.0.2/24 (configured on pollnet's side, not here)
# IPv6 is off in the namespace, so the kernel sends nothing unasked (no
# router solicitations, MLD or DAD): every frame pollnet sees was caused.
#
# SPEC is pollnet-bench's KEY=V,... list (loss=P,dup=P,corrupt=P,reorder=P,
# reorder-depth=N,reorder-max-us=N,delay-us=N,jitter-us=N,limit=N).
# --impair-to-kernel impairs what the bridge sends on the tap (port 1),
# --impair-to-pollnet what it sends on the vhost-user socket (port 0).
#
# --queues Q (1..64, default 1): the vhost-user side serves Q queue pairs
# (and the kernel's side, then a veth pair read with af_packet, Q); with Q > 1 the bridge emulates device RSS: it
# sends each packet to pollnet on the queue the Toeplitz hash of its
# 4-tuple picks (pollnet-bench --tx-rss: pollnet's symmetric key, RETA of
# 128 round robin over the queues), so pollnet with Q shards and Q queues
# gets each flow on its owner. pollnet must open no more than Q queue
# pairs: what it sends on a queue the bridge does not serve is lost.
#
# --csum-partial: the kernel's TCP/UDP checksums, verified by the bridge
# (net_tap's RX checksum offload, in software on the bridge's CPU), reach
# pollnet as virtio NEEDS_CSUM, as from a hypervisor whose NIC verified
# them (pollnet-bench --csum-partial): pollnet sums no payload byte. Off
# by default, so that pollnet's own checks see every frame; tap side only
# (with --queues > 1, af_packet verifies nothing and nothing is marked).
#
# Files: /tmp/pn-peer-N/{vh.sock,bridge.log,bridge.pid,bridge.json}; EAL
# prefix pn-peer-N. 'down' stops the bridge by PID (SIGTERM, SIGKILL after
# 10 s), then removes the namespace, the run dir and /var/run/dpdk/pn-peer-N;
# --save DIR first keeps bridge.json (final counters) and bridge.log.
# A failing 'up' removes everything it made.
#
# PN_TAG=T in the environment (tools/pn_tag.sh): N stands for N-T in every
# name above (namespace pn-N-T, prefix pn-peer-N-T, /tmp/pn-peer-N-T);
# 'down', 'status' and 'exec' need the same PN_TAG. 'up' prints them all.

set -u

PEER_TAP=pntap0
PEER_KERNEL_IP=198.18.0.1/24
PEER_POLLNET_IP=198.18.0.2/24
PEER_TIMEOUT=${PN_PEER_TIMEOUT:-30}
PEER_STOP_TIMEOUT=10
PEER_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$PEER_REPO/tools/pn_tag.sh"
pn_tag_check || exit 2

peer_say() { echo "peer.sh: $*" >&2; }
peer_die() { peer_say "$*"; exit 1; }
peer_usage() {
	sed -n '/^#   tools/,/^#   tools.*exec/s/^#   //p' "${BASH_SOURCE[0]}" >&2
	echo "$PN_TAG_HELP (N-T)" >&2
	exit 2
}

# The names every command derives from N.
peer_names() {
	[[ $1 =~ ^[A-Za-z0-9_-]{1,24}$ ]] ||
		{ peer_say "--name $1: must be 1..24 characters of A-Z a-z 0-9 _ -"; exit 2; }
	PEER_NAME=$1
	local n
	n=$(pn_tagged "$1")
	PEER_NS=pn-$n
	PEER_PREFIX=pn-peer-$n
	PEER_RUN=${PN_PEER_RUN_BASE:-/tmp}/pn-peer-$n
	PEER_SOCK=$PEER_RUN/vh.sock
	PEER_LOG=$PEER_RUN/bridge.log
	PEER_PIDFILE=$PEER_RUN/bridge.pid
	PEER_JSON=$PEER_RUN/bridge.json
}

peer_ns_exists() { ip netns list | awk '{ print $1 }' | grep -qx -- "$PEER_NS"; }

# peer_running PID: exists and is not a zombie.
peer_running() {
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "${st%% *}" != Z ]
}

# peer_alive PID: running and pollnet-bench (not a reused PID).
peer_alive() {
	peer_running "$1" && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = pollnet-bench ]
}

peer_pid() { cat "$PEER_PIDFILE" 2>/dev/null; }

# peer_wait_gone PID SECONDS
peer_wait_gone() {
	local deadline=$((SECONDS + $2))
	while peer_alive "$1"; do
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.05
	done
	return 0
}

# Stop the bridge and remove everything named after N. Idempotent.
peer_teardown() {
	local save=${1:-} pid
	pid=$(peer_pid)
	if [ -n "$pid" ] && peer_alive "$pid"; then
		kill -TERM "$pid" 2>/dev/null
		if ! peer_wait_gone "$pid" $PEER_STOP_TIMEOUT; then
			peer_say "bridge $pid ignored SIGTERM for ${PEER_STOP_TIMEOUT} s: SIGKILL"
			kill -KILL "$pid" 2>/dev/null
			peer_wait_gone "$pid" 5 || peer_say "bridge $pid is still there"
		fi
	fi
	if [ -n "$save" ]; then
		mkdir -p "$save"
		cp -f "$PEER_JSON" "$PEER_LOG" "$save/" 2>/dev/null
	fi
	if peer_ns_exists; then
		ip netns del "$PEER_NS" 2>/dev/null || peer_say "could not delete namespace $PEER_NS"
	fi
	rm -rf -- "$PEER_RUN" "/var/run/dpdk/$PEER_PREFIX"
	[ -n "${XDG_RUNTIME_DIR:-}" ] && rm -rf -- "$XDG_RUNTIME_DIR/dpdk/$PEER_PREFIX"
	return 0
}

# peer_wait WHAT COMMAND...: poll COMMAND until true; fail if the bridge dies.
peer_wait() {
	local what=$1 deadline=$((SECONDS + PEER_TIMEOUT)) pid
	shift
	pid=$(peer_pid)
	until "$@"; do
		if ! peer_running "$pid"; then
			peer_say "the bridge exited while waiting for $what:"
			tail -n 20 "$PEER_LOG" >&2
			return 1
		fi
		[ $SECONDS -ge $deadline ] && {
			peer_say "timed out after ${PEER_TIMEOUT} s waiting for $what"
			tail -n 20 "$PEER_LOG" >&2
			return 1
		}
		sleep 0.05
	done
}

peer_log_has() { grep -q -- "$1" "$PEER_LOG" 2>/dev/null; }
peer_tap_exists() { ip -n "$PEER_NS" link show "$PEER_TAP" >/dev/null 2>&1; }
peer_tap_has_ip() {
	ip -n "$PEER_NS" addr show dev "$PEER_TAP" up 2>/dev/null |
		grep -q "inet ${PEER_KERNEL_IP%/*}/"
}
peer_tap_mac() { ip -n "$PEER_NS" -o link show "$PEER_TAP" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }

# peer_check_opt WHAT PREFIX BENCH OPTION: let pollnet-bench parse OPTION
# (--help stops it before EAL); on error one line naming WHAT, exit 2.
peer_check_opt() {
	local what=$1 prefix=$2 bench=$3 opt=$4 err
	[ "$opt" = "--impair=0:" ] || [ "$opt" = "--impair=1:" ] && return 0
	err=$("$bench" -- --forward-mode=io "$opt" --help 2>&1 >/dev/null) && return 0
	err=${err#"$prefix"}
	peer_say "$what: ${err#pollnet-bench: }"
	exit 2
}

cmd_up() {
	local name=$$ to_kernel='' to_pollnet='' seed=1 cpu=1 period=0 queues=1
	local csum_partial=0
	local bench=${PN_BENCH:-${PN_BUILD_DIR:-$PEER_REPO/build}/app/pollnet-bench}
	local app=() pid err
	while [ $# -gt 0 ]; do
		case $1 in
		--name) name=${2:?--name needs a value}; shift 2 ;;
		--impair-to-kernel) to_kernel=${2:?--impair-to-kernel needs a SPEC}; shift 2 ;;
		--impair-to-pollnet) to_pollnet=${2:?--impair-to-pollnet needs a SPEC}; shift 2 ;;
		--seed) seed=${2:?--seed needs a value}; shift 2 ;;
		--cpu) cpu=${2:?--cpu needs a value}; shift 2 ;;
		--stats-period) period=${2:?--stats-period needs a value}; shift 2 ;;
		--queues) queues=${2:?--queues needs a value}; shift 2 ;;
		--bench) bench=${2:?--bench needs a path}; shift 2 ;;
		--csum-partial) csum_partial=1; shift ;;
		*) peer_say "up: unknown argument '$1'"; peer_usage ;;
		esac
	done
	peer_names "$name"
	[[ $cpu =~ ^[0-9]+$ ]] || { peer_say "--cpu $cpu: must be a CPU number"; exit 2; }
	[[ $queues =~ ^[0-9]+$ ]] && [ "$queues" -ge 1 ] && [ "$queues" -le 64 ] ||
		{ peer_say "--queues $queues: must be 1..64"; exit 2; }
	[ -x "$bench" ] || peer_die "no pollnet-bench at $bench (build first, or --bench PATH / PN_BUILD_DIR)"
	[ "$(id -u)" = 0 ] || peer_die "needs root (network namespaces, tap)"

	app=(--forward-mode=io --stats-period="$period" --seed="$seed" --json="$PEER_JSON"
		--rxq="$queues" --txq="$queues")
	[ "$queues" -gt 1 ] && app+=(--tx-rss)
	[ "$csum_partial" = 1 ] && app+=(--csum-partial)
	[ -n "$to_pollnet" ] && app+=(--impair="0:$to_pollnet")
	[ -n "$to_kernel" ] && app+=(--impair="1:$to_kernel")
	# Options first, without EAL or anything made: a bad SPEC is one line.
	peer_check_opt --seed '' "$bench" --seed="$seed"
	peer_check_opt "--impair-to-pollnet $to_pollnet" "pollnet-bench: --impair=0:$to_pollnet: " \
		"$bench" --impair="0:$to_pollnet"
	peer_check_opt "--impair-to-kernel $to_kernel" "pollnet-bench: --impair=1:$to_kernel: " \
		"$bench" --impair="1:$to_kernel"
	if peer_ns_exists || [ -e "$PEER_RUN" ]; then
		peer_die "peer '$name' exists already (namespace $PEER_NS or $PEER_RUN): 'tools/peer.sh down --name $name' first"
	fi

	# From here on, any failure removes what was made.
	trap 'trap - ERR; peer_say "up failed: removing what was made"; peer_teardown; exit 1' ERR
	trap 'trap - ERR; peer_teardown; exit 130' INT TERM
	set -E
	mkdir -m 700 -p "$PEER_RUN"
	ip netns add "$PEER_NS"
	ip -n "$PEER_NS" link set lo up
	ip netns exec "$PEER_NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 net.ipv4.tcp_tw_reuse=1 >/dev/null
	# The kernel's side: a tap, or with --queues > 1 a veth pair whose far
	# end the bridge reads with af_packet, Q queue pairs (net_tap cannot
	# take our RSS key with several queues). Segmentation and checksum
	# offloads off on the veth: the bridge forwards frames as they are.
	# framecnt: net_af_packet joins its queues' sockets in a fanout group
	# with PACKET_FANOUT_FLAG_ROLLOVER, so once a socket's ring is 3/4
	# full, the kernel moves a bulk flow's frames to the other queue and
	# the bridge forwards them out of order (the kernel then retransmits
	# what pollnet D-SACKs: 68 and 828 segments in 2 of 8 runs of
	# pollnetd_shards.sh with the default 512 frames, none in 8 with 4096,
	# its 2 queues' share of the 8192 below).
	local kside="net_tap0,iface=$PEER_TAP" pin=(taskset -c "$cpu")
	if [ "$queues" -gt 1 ]; then
		pin=()	# see the bridge's start below
		ip -n "$PEER_NS" link add "$PEER_TAP" type veth peer name pnpkt0
		ip netns exec "$PEER_NS" ethtool -K "$PEER_TAP" tx off tso off gso off gro off >/dev/null
		ip netns exec "$PEER_NS" ethtool -K pnpkt0 rx off tx off tso off gso off gro off >/dev/null
		ip -n "$PEER_NS" link set pnpkt0 up
		# 8192 frames over the queues (2 KB each, twice: RX and TX
		# rings, locked in memory), at least the PMD's 512 a queue
		kside="net_af_packet0,iface=pnpkt0,qpairs=$queues,framecnt=$((queues <= 16 ? 8192 / queues : 512))"
	fi

	# ip netns exec, setsid and taskset all exec: $! is the bridge itself.
	# setsid: a terminal's Ctrl-C meant for the caller does not reach the
	# bridge. taskset: EAL puts its control threads on the CPUs it was
	# given minus the lcores' (else with the main lcore), so they stay on
	# the bridge's CPU. Elsewhere they share the lcores' CPU under test:
	# net_tap has a real-time signal raised (F_SETSIG) whenever the
	# kernel writes to the tap, the kernel hands each to one thread of
	# the process in turn, and they wake there thousands of times a
	# second. Only with the tap: with 2+ queues (af_packet) there is no
	# tap signal to move, and this pinning let the rings fill more often
	# (the rollover above: 0-11 spurious retransmissions in 8 runs pinned
	# with 4096 frames, none unpinned).
	ip netns exec "$PEER_NS" setsid "${pin[@]}" "$bench" --no-huge -m 512 --no-pci \
		--file-prefix "$PEER_PREFIX" --lcores "0@$cpu,1@$cpu" \
		--log-level=lib.vhost.config:warning \
		--vdev "net_vhost0,iface=$PEER_SOCK,queues=$queues" \
		--vdev "$kside" \
		-- "${app[@]}" </dev/null >"$PEER_LOG" 2>&1 &
	pid=$!
	echo "$pid" >"$PEER_PIDFILE"
	# comm reads ip, then setsid, then pollnet-bench once both exec'd.
	peer_wait "the bridge to start" peer_alive "$pid"
	peer_wait "the bridge to run" peer_log_has "pollnet-bench: running io"
	peer_wait "the vhost-user socket" test -S "$PEER_SOCK"
	peer_wait "$PEER_TAP in $PEER_NS" peer_tap_exists
	ip -n "$PEER_NS" addr add "$PEER_KERNEL_IP" dev "$PEER_TAP"
	ip -n "$PEER_NS" link set "$PEER_TAP" up
	peer_wait "$PEER_TAP to be up" peer_tap_has_ip
	trap - ERR INT TERM
	set +E

	echo "namespace=$PEER_NS"
	echo "socket=$PEER_SOCK"
	echo "pid=$pid"
	echo "kernel_ip=$PEER_KERNEL_IP"
	echo "kernel_mac=$(peer_tap_mac)"
	echo "kernel_iface=$PEER_TAP"
	echo "pollnet_ip=$PEER_POLLNET_IP"
	echo "log=$PEER_LOG"
	echo "prefix=$PEER_PREFIX"
	echo "run=$PEER_RUN"
}

peer_need_name() {
	local name=''
	while [ $# -gt 0 ]; do
		case $1 in
		--name) name=${2:?--name needs a value}; shift 2 ;;
		--save) PEER_SAVE=${2:?--save needs a directory}; shift 2 ;;
		--) shift; PEER_REST=("$@"); break ;;
		*) peer_say "unknown argument '$1'"; peer_usage ;;
		esac
	done
	[ -n "$name" ] || { peer_say "--name N is required"; peer_usage; }
	peer_names "$name"
}

cmd_down() {
	PEER_SAVE=''
	peer_need_name "$@"
	peer_teardown "$PEER_SAVE"
	if peer_ns_exists || [ -e "$PEER_RUN" ]; then
		peer_die "could not remove everything of '$PEER_NAME'"
	fi
	echo "peer $PEER_NAME down"
}

cmd_status() {
	local pid ok=0
	peer_need_name "$@"
	pid=$(peer_pid)
	if peer_ns_exists; then echo "namespace=$PEER_NS"; else echo "namespace=none"; ok=1; fi
	if [ -n "$pid" ] && peer_alive "$pid"; then echo "pid=$pid"; else echo "pid=none"; ok=1; fi
	if [ -S "$PEER_SOCK" ]; then echo "socket=$PEER_SOCK"; else echo "socket=none"; ok=1; fi
	if [ $ok = 0 ] && peer_tap_exists; then
		echo "kernel_iface=$PEER_TAP"
		echo "kernel_mac=$(peer_tap_mac)"
	fi
	[ $ok = 0 ] && echo "state=up" || echo "state=down"
	return $ok
}

cmd_exec() {
	PEER_REST=()
	peer_need_name "$@"
	[ ${#PEER_REST[@]} -gt 0 ] || { peer_say "exec: no command after --"; exit 2; }
	peer_ns_exists || peer_die "no namespace $PEER_NS (is peer '$PEER_NAME' up?)"
	exec ip netns exec "$PEER_NS" "${PEER_REST[@]}"
}

[ $# -ge 1 ] || peer_usage
cmd=$1
shift
case $cmd in
up) cmd_up "$@" ;;
down) cmd_down "$@" ;;
status) cmd_status "$@" ;;
exec) cmd_exec "$@" ;;
-h|--help|help) peer_usage ;;
*) peer_say "unknown command '$cmd'"; peer_usage ;;
esac

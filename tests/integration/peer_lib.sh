# SPDX-License-Identifier: BSD-3-Clause
# Helpers for the kernel-peer tests (sourced, not a test): lib.sh plus a
# tools/peer.sh bridge whose namespace, process and files are removed on
# exit, also when the test fails. The bridge runs on CPU 1, the pollnet
# side (a pollnet-bench on virtio_user) on CPU 0.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PN_PEER=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tools/peer.sh
PN_PEER_NAMES=()
export PN_BUILD_DIR

pn_peer_cleanup() {
	local n
	for n in "${PN_PEER_NAMES[@]}"; do
		"$PN_PEER" down --name "$n" >/dev/null 2>&1 ||
			echo "cleanup: peer $n not fully removed" >&2
	done
	pn_cleanup
}
trap pn_peer_cleanup EXIT

# pn_peer_up NAME [peer.sh up options...]: bring a bridge up; its output
# (key=value) lands in $PN_TMP/NAME.peer and the keys in PEER_<key>.
pn_peer_up() {
	local name=$1 out
	shift
	PN_PEER_NAMES+=("$name")
	out=$("$PN_PEER" up --name "$name" --cpu 1 "$@" 2>"$PN_TMP/$name.peer.err") ||
		pn_fail "peer.sh up --name $name $*: $(cat "$PN_TMP/$name.peer.err")"
	echo "$out" >"$PN_TMP/$name.peer"
	eval "$(sed -n 's/^\([a-z_]*\)=\(.*\)$/PEER_\1="\2"/p' <<<"$out")"
}

# pn_peer_sock NAME: the vhost-user socket of bridge NAME (PN_TAG in it).
pn_peer_sock() { sed -n 's/^socket=//p' "$PN_TMP/$1.peer"; }

# pn_peer_down NAME: stop the bridge; its JSON summary is $PN_TMP/NAME/bridge.json.
pn_peer_down() {
	"$PN_PEER" down --name "$1" --save "$PN_TMP/$1" >/dev/null ||
		pn_fail "peer.sh down --name $1 failed"
	[ -f "$PN_TMP/$1/bridge.json" ] || pn_fail "bridge $1 wrote no JSON summary"
	cp "$PN_TMP/$1/bridge.log" "$PN_TMP/bridge-$1.log" 2>/dev/null
}

# pn_peer_exec NAME CMD...: run CMD in the bridge's namespace.
pn_peer_exec() {
	local name=$1
	shift
	"$PN_PEER" exec --name "$name" -- "$@"
}

# pn_kernel_counter NAME 'Proto: Field' | rx | tx | tx_dropped: a kernel
# counter in the namespace (/proc/net/snmp, or pntap0's RX/TX packets, or
# the frames pntap0 dropped because the bridge did not read them in time:
# tun_net_xmit, SKB_DROP_REASON_FULL_RING, its ring of txqueuelen frames).
pn_kernel_counter() {
	case $2 in
	rx|tx)
		pn_peer_exec "$1" cat "/sys/class/net/pntap0/statistics/${2}_packets" ;;
	tx_dropped)
		pn_peer_exec "$1" cat /sys/class/net/pntap0/statistics/tx_dropped ;;
	*)
		pn_peer_exec "$1" cat /proc/net/snmp | awk -v p="${2%%:*}:" -v f="${2#*: }" '
			$1 == p && !h { for (i = 2; i <= NF; i++) c[$i] = i; h = 1; next }
			$1 == p && h { print $c[f]; exit }' ;;
	esac
}

# pn_total_rx NAME: packets received so far by bench NAME (its latest
# periodic stats, --stats-period=1), 0 before the first.
pn_total_rx() {
	local v
	v=$(grep -o 'total RX [0-9]*' "$PN_TMP/$1.log" 2>/dev/null | tail -n 1 | awk '{ print $3 }')
	echo "${v:-0}"
}

# pn_bench_mac NAME: MAC address of port 0 of bench NAME, from its log.
pn_bench_mac() {
	sed -n 's/^pollnet: port 0 ([^)]*): driver [^,]*, mac \([0-9A-Fa-f:]*\),.*/\1/p' \
		"$PN_TMP/$1.log" | head -n 1 | tr 'A-F' 'a-f'
}

# pn_pollnet_start NAME [app options...]: a pollnet-bench on virtio_user
# connected to the current bridge ($PEER_socket), on CPU 0.
pn_pollnet_start() {
	local name=$1
	shift
	pn_bench_start "$name" '0@0,1@0' "virtio_user0,path=$PEER_socket,queues=1" -- "$@"
	pn_wait_for "$name to run" 30 pn_log_has "$name" "pollnet-bench: running"
}

# pn_ge A B: A >= B (integers; for pn_wait_for).
pn_ge() { [ "$1" -ge "$2" ]; }

# pn_poll SECONDS COMMAND...: poll COMMAND for up to SECONDS; its status.
pn_poll() {
	local i=0 n=$(($1 * 20))
	shift
	until "$@"; do
		[ $((i += 1)) -gt $n ] && return 1
		sleep 0.05
	done
}

# pn_rx_at_least NAME N: bench NAME has received at least N packets.
pn_rx_at_least() { [ "$(pn_total_rx "$1")" -ge "$2" ]; }

# pn_udp_send NAME COUNT PORT [BENCH]: COUNT datagrams of 32 bytes from
# the namespace to pollnet (198.18.0.2:PORT) in bursts of 50. With BENCH
# (the receiving pollnet-bench), flow-controlled on what it has received
# (its telemetry, /ethdev/stats,0 ipackets): at most 150 in flight, fewer
# than the tap's ring (txqueuelen 1000) or the virtio ring (256) hold, so
# neither overflows however long the bridge or BENCH is off its CPU (a
# busy machine: a fixed pause between bursts is not enough, issue: 1,955
# of 2,000 under load). Without BENCH, 2 ms between bursts.
pn_udp_send() {
	local tel=
	[ -n "${4:-}" ] && tel=/var/run/dpdk/$PN_RUN_ID-$4
	pn_peer_exec "$1" python3 -c '
import socket, sys, time
from importlib.machinery import SourceFileLoader
n, port, pre, tools = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
if pre:
    ctl = SourceFileLoader("ctl", tools + "/pollnetctl").load_module()
    t = ctl.Telemetry(pre.rsplit("/", 1)[1])
    rx = lambda: t("/ethdev/stats,0")["ipackets"]
    base = rx()
for i in range(n):
    s.sendto(i.to_bytes(4, "big") + bytes(28), ("198.18.0.2", port))
    if i % 50 != 49 and i != n - 1:
        continue
    if not pre:
        time.sleep(0.002)
        continue
    deadline = time.monotonic() + 10  # a loss: go on, the counters tell
    while i + 1 - (rx() - base) > 100 and time.monotonic() < deadline:
        time.sleep(0.0005)
' "$2" "$3" "$tel" "$(dirname "$PN_PEER")"
}

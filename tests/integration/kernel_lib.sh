# SPDX-License-Identifier: BSD-3-Clause
# Helpers for tests of pollnetd against the Linux kernel (sourced): a
# tools/peer.sh bridge plus a pollnetd on its built-in default, pointed at
# the bridge's socket. pollnetd runs on CPU 0, the bridge on CPU 1.
# pollnetd and pollnetctl find each other by PN_TAG (pollnetd's default
# EAL file prefix is pollnetd-PN_TAG): no prefix is passed around. A run
# without a tag takes its own, k<PID>, so parallel runs stay apart; a
# test runs one pollnetd at a time.
[ -n "${PN_TAG:-}" ] || export PN_TAG=k$$
. "$(dirname "${BASH_SOURCE[0]}")/peer_lib.sh"

PN_POLLNETD=$PN_BUILD_DIR/app/pollnetd
[ -x "$PN_POLLNETD" ] || pn_fail "no binary at $PN_POLLNETD (build first)"

# pn_pollnetd_start NAME PEER [--set S.K=V ...]: pollnetd connected to
# bridge PEER; waits until it reports running. Output in $PN_TMP/NAME.log.
pn_pollnetd_start() {
	local name=$1 peer=$2
	shift 2
	PN_PREFIXES+=("pollnetd-$PN_TAG")
	"$PN_POLLNETD" --set "port.path=$(pn_peer_sock "$peer")" \
		--set "eal.lcores=0@0,1@0" \
		--set "eal.log_level=lib.vhost.config:warning" "$@" \
		>"$PN_TMP/$name.log" 2>&1 &
	local pid=$!
	PN_PIDS+=("$pid")
	printf -v "PN_PID_$name" '%s' "$pid"
	pn_wait_for "pollnetd $name to run" 30 pn_log_has "$name" '^pollnetd: running'
}

# pn_ctl ARGS...: pollnetctl for the running pollnetd.
pn_ctl() { "$PN_SOURCE_DIR/tools/pollnetctl" "$@"; }

# pn_pollnetd_stop NAME: SIGTERM, expect exit 0 and the final counters.
pn_pollnetd_stop() {
	local var="PN_PID_$1"
	kill -TERM "${!var}" 2>/dev/null
	pn_wait_gone "${!var}" 20 || pn_fail "pollnetd $1 did not stop in 20 s"
	wait "${!var}" || pn_fail "pollnetd $1 exited with $?"
	pn_log_has "$1" '^pollnetd: stopped' || pn_fail "pollnetd $1: no clean stop"
}

# pn_pollnetd_drops NAME: the 'drops:' line of pollnetd's final counters.
pn_pollnetd_drops() { sed -n 's/^drops://p' "$PN_TMP/$1.log" | tail -n 1; }

# pn_pollnetd_counter NAME KEY: from the final 'ip: ... icmp: ... arp: ...'
# line, the number after KEY ("in", "echo", "reassembled", ...).
pn_pollnetd_counter() {
	grep '^ip: ' "$PN_TMP/$1.log" | tail -n 1 | grep -o "$2 [0-9]*" | head -n 1 | awk '{ print $NF }'
}

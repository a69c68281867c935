# SPDX-License-Identifier: BSD-3-Clause
# Shared helpers for the integration tests: two pollnet-bench processes
# joined by vhost-user, no hugepages, no PCI, pinned to the machine's CPUs.
# Source it; it sets PN_BENCH, PN_TMP and a cleanup trap. PN_TAG (see
# tools/pn_tag.sh) goes into every name made: PN_RUN_ID (the start of
# every EAL prefix), PN_TMP (the vhost-user sockets), and through
# tools/peer.sh the namespaces.

set -u

. "$(dirname "${BASH_SOURCE[0]}")/../../tools/pn_tag.sh"
pn_tag_check || exit 2
PN_BUILD_DIR=${PN_BUILD_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../build" && pwd)}
PN_BENCH=$PN_BUILD_DIR/app/pollnet-bench
PN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/$(pn_tagged pn-integ).XXXXXX")
PN_PIDS=()
PN_PREFIXES=()
PN_RUN_ID=$(pn_tagged "pnt$$")

# The bench's own EAL noise (vhost-user negotiation) only at warning.
PN_EAL_COMMON=(--no-huge -m 512 --no-pci --log-level=lib.vhost.config:warning)

pn_cleanup() {
	local pid p
	for pid in "${PN_PIDS[@]}"; do
		pn_alive "$pid" && kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${PN_PIDS[@]}"; do
		pn_wait_gone "$pid" 10 || kill -KILL "$pid" 2>/dev/null
	done
	for p in "${PN_PREFIXES[@]}"; do
		rm -rf "/var/run/dpdk/$p" "${XDG_RUNTIME_DIR:-/nonexistent}/dpdk/$p"
	done
	if [ "${PN_KEEP_TMP:-0}" = 1 ]; then
		echo "kept $PN_TMP"
	else
		rm -rf "$PN_TMP"
	fi
}
trap pn_cleanup EXIT
trap 'exit 130' INT TERM

pn_fail() {
	echo "FAIL: $*" >&2
	local f
	for f in "$PN_TMP"/*.log; do
		[ -f "$f" ] || continue
		echo "---- $f (last 40 lines) ----" >&2
		tail -n 40 "$f" >&2
	done
	exit 1
}

# pn_alive PID: running (a zombie child that was not reaped yet is not).
pn_alive() {
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "${st%% *}" != Z ]
}

# pn_wait_gone PID SECONDS: true once PID has exited.
pn_wait_gone() {
	local pid=$1 deadline=$((SECONDS + $2))
	while pn_alive "$pid"; do
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.05
	done
	return 0
}

# pn_bench_start NAME LCORES VDEV [-- app options...]: start a bench in the
# background with its output in $PN_TMP/NAME.log; its PID in PN_PID_<NAME>.
pn_bench_start() {
	local name=$1 lcores=$2 vdev=$3
	shift 3
	local prefix="$PN_RUN_ID-$name"
	PN_PREFIXES+=("$prefix")
	"$PN_BENCH" "${PN_EAL_COMMON[@]}" --file-prefix "$prefix" \
		--lcores "$lcores" --vdev "$vdev" "$@" \
		>"$PN_TMP/$name.log" 2>&1 &
	local pid=$!
	PN_PIDS+=("$pid")
	printf -v "PN_PID_$name" '%s' "$pid"
}

# pn_wait_for DESCRIPTION SECONDS COMMAND...: poll COMMAND until it succeeds.
pn_wait_for() {
	local what=$1 deadline=$((SECONDS + $2))
	shift 2
	until "$@"; do
		[ $SECONDS -ge $deadline ] && pn_fail "timed out waiting for $what"
		sleep 0.05
	done
}

pn_log_has() { grep -q -- "$2" "$PN_TMP/$1.log"; }

# pn_wait_exit NAME SECONDS: wait for bench NAME to exit; fail unless exit 0.
pn_wait_exit() {
	local name=$1 pidvar="PN_PID_$1" rc
	local pid=${!pidvar}
	pn_wait_gone "$pid" "$2" || pn_fail "$name did not exit within $2 s"
	wait "$pid"
	rc=$?
	[ "$rc" = 0 ] || pn_fail "$name exited with $rc"
}

# pn_stop NAME: SIGTERM bench NAME and expect a clean exit (code 0).
pn_stop() {
	local pidvar="PN_PID_$1"
	kill -TERM "${!pidvar}" 2>/dev/null
	pn_wait_exit "$1" 30
}

# pn_start_traffic SENDER RECEIVER: once RECEIVER runs, SIGUSR1 starts the
# generators of SENDER (started with a long --tx-delay).
pn_start_traffic() {
	local pidvar="PN_PID_$1"
	pn_wait_for "$2 to run" 30 pn_log_has "$2" "pollnet-bench: running"
	kill -USR1 "${!pidvar}"
}

# pn_cpu_ticks PID: utime + stime of PID, in clock ticks.
pn_cpu_ticks() {
	sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

# pn_vhost_sock [NAME]: path of a vhost-user socket of this test.
pn_vhost_sock() { echo "$PN_TMP/${1:-vh}.sock"; }

# pn_json_check FILE... -- PYTHON: run PYTHON with j[0], j[1]... loaded from
# the files; an AssertionError fails the test with its message.
pn_json_check() {
	local files=()
	while [ "$1" != "--" ]; do files+=("$1"); shift; done
	shift
	python3 - "${files[@]}" <<PY || pn_fail "JSON check failed"
import json, os, sys
env = os.environ
j = [json.load(open(f)) for f in sys.argv[1:]]
def port(d, i=0): return d["ports"][i]
def drops(d): return d["drops"]
def unexpected(d): return {k: v for k, v in d["drops"].items() if v and k != "ENGINE"}
try:
$(sed 's/^/    /' <<<"$1")
except AssertionError as e:
    print("assertion failed:", e)
    sys.exit(1)
PY
}

[ -x "$PN_BENCH" ] || pn_fail "no binary at $PN_BENCH (build first)"

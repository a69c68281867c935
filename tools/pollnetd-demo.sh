#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# pollnetd on its built-in default, serving the Linux kernel: brings up the
# kernel peer (tools/peer.sh, namespace pn-pollnet, kernel at 198.18.0.1),
# starts pollnetd (198.18.0.2: echo 7, discard 9, HTTP 80), then from the
# kernel's side pings it, fetches a page with curl twice on one connection,
# echoes a line, shows pollnetctl's view, and stops everything.
#
# usage: tools/pollnetd-demo.sh [BUILD_DIR]   (root; no hugepages, no NIC)
# PN_TAG=T: the peer is pollnet-T (namespace pn-pollnet-T), pollnetd's
# file prefix pollnetd-T (tools/pn_tag.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/pn_tag.sh"
case ${1:-} in -h|--help) sed -n '3,11s/^# \?//p' "$0"; echo "$PN_TAG_HELP"; exit 0 ;; esac
pn_tag_check || exit 2
build=${1:-$top/build}
prefix=$(pn_tagged pollnetd)
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	"$top/tools/peer.sh" down --name pollnet >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ns() { "$top/tools/peer.sh" exec --name pollnet -- "$@"; }
say() { printf '\n== %s\n' "$*"; }

say "kernel peer: namespace pn-$(pn_tagged pollnet), 198.18.0.1/24 on pntap0, bridge to /tmp/pn-peer-$(pn_tagged pollnet)/vh.sock"
"$top/tools/peer.sh" up --name pollnet --bench "$build/app/pollnet-bench" | grep -E '^(namespace|socket|kernel_ip)='

say "pollnetd on its built-in default (config/pollnet.conf)"
log=$(mktemp /tmp/pollnetd-demo.XXXXXX)
"$build/app/pollnetd" --set "port.path=/tmp/pn-peer-$(pn_tagged pollnet)/vh.sock" \
	--set "eal.file_prefix=$prefix" >"$log" 2>&1 &
pid=$!
for _ in $(seq 300); do
	grep -q '^pollnetd: running' "$log" && break
	kill -0 "$pid" 2>/dev/null || { cat "$log"; exit 1; }
	sleep 0.1
done
grep -E '^pollnet(d)?: ' "$log"

say "from the kernel: ping 198.18.0.2"
ns ping -c 3 -i 0.2 198.18.0.2 | tail -n 2
say "from the kernel: curl http://198.18.0.2/ twice (one keep-alive connection)"
ns curl -sS -v http://198.18.0.2/ http://198.18.0.2/ 2>&1 |
	grep -E '^(< HTTP|\* Re-using|\* Connected)|^hello' || true
say "from the kernel: echo"
ns sh -c 'echo "hello pollnet" | nc -q 1 198.18.0.2 7'

say "tools/pollnetctl (telemetry of the running pollnetd)"
"$top/tools/pollnetctl" --prefix "$prefix"

say "stopping pollnetd (SIGTERM): its final counters"
kill -TERM "$pid"
wait "$pid" || true
pid=
sed -n '/: stopping$/,$p' "$log"
rm -f "$log"

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# L2 demo: two pollnet-bench processes joined by vhost-user, for a few
# seconds, with their periodic stats and NAPI counters.
#
#   vhost side (CPU 1):  flowgen, 64 UDP flows, --tx-rss over 2 queues: one
#                        lcore emulates device RSS towards the peer
#   virtio side (CPU 0): rxonly on 2 queues, 2 workers (one per queue),
#                        sleeping on RX interrupts when idle
#
# usage: tools/l2-demo.sh [BUILD_DIR] (default: build)
# env:   PN_DEMO_SECONDS (5), PN_DEMO_TXPKTS (64), PN_TAG (tools/pn_tag.sh)
# No hugepages, no PCI; frames stay on the vhost-user link (198.18.0.0/15).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/pn_tag.sh"
case ${1:-} in -h|--help) sed -n '3,13s/^# \?//p' "$0"; echo "$PN_TAG_HELP"; exit 0 ;; esac
pn_tag_check || exit 2
build=${1:-$top/build}
bench=$build/app/pollnet-bench
secs=${PN_DEMO_SECONDS:-5}
txpkts=${PN_DEMO_TXPKTS:-64}
[ -x "$bench" ] || { echo "l2-demo: no $bench; run: meson setup build && ninja -C build" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/$(pn_tagged pn-l2-demo).XXXXXX")
sock=$tmp/vh.sock
id=$(pn_tagged "pndemo$$")
tx_pid= rx_pid=
eal=(--no-huge -m 512 --no-pci --log-level=lib.vhost.config:warning)

cleanup() {
	local pid
	for pid in $rx_pid $tx_pid; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in $rx_pid $tx_pid; do
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$tmp" "/var/run/dpdk/$id-vhost" "/var/run/dpdk/$id-virtio"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for() { # DESCRIPTION SECONDS COMMAND...
	local what=$1 deadline=$((SECONDS + $2))
	shift 2
	until "$@"; do
		[ $SECONDS -lt $deadline ] || { echo "l2-demo: timed out waiting for $what" >&2; exit 1; }
		sleep 0.05
	done
}

echo "== vhost side: flowgen --tx-rss, 2 queues, 1 worker on CPU 1 (log: sender summary at the end)"
"$bench" "${eal[@]}" --file-prefix "$id-vhost" --lcores '0@1,1@1' \
	--vdev "net_vhost0,iface=$sock,queues=2" -- \
	--forward-mode=flowgen --flows=64 --tx-rss --rxq=2 --txq=2 \
	--txpkts="$txpkts" --tx-delay=3600 --stats-period=0 >"$tmp/vhost.log" 2>&1 &
tx_pid=$!
wait_for "the vhost-user socket" 30 test -S "$sock"

echo "== virtio side: rxonly, 2 queues, 2 workers on CPU 0, for $secs s"
"$bench" "${eal[@]}" --file-prefix "$id-virtio" --lcores '0@0,1@0,2@0' \
	--vdev "virtio_user0,path=$sock,queues=2" -- \
	--forward-mode=rxonly --duration="$secs" \
	> >(tee "$tmp/virtio.log" | grep --line-buffered -v '^EAL: \|^TELEMETRY: \|virtio_user_dev_init_mac' | sed -u 's/^/[virtio] /') 2>&1 &
rx_pid=$!
# Traffic only once the virtio side runs: it resets its queues while
# starting, and frames a vhost peer put there before would be lost.
wait_for "the virtio side to start" 30 grep -qs '^pollnet-bench: running' "$tmp/virtio.log"
kill -USR1 "$tx_pid"

wait "$rx_pid" || { echo "l2-demo: the virtio side failed" >&2; exit 1; }
rx_pid=
kill -TERM "$tx_pid"
wait "$tx_pid" || true
tx_pid=
echo
echo "== vhost side summary"
sed -n '/^==== /,$p' "$tmp/vhost.log" | sed 's/^/[vhost]  /'

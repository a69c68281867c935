#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# ICMP echo from the Linux kernel: pollnetd (through the tools/peer.sh
# bridge, one extra forwarding hop on the other CPU) against the Linux
# kernel answering over a veth pair between two namespaces. Reports the
# flood-ping rate and RTTs for 56-byte and 65507-byte echoes.
#
# usage: tools/bench-ping.sh [BUILD_DIR]   (root; creates and removes its
# namespaces pn-bp-*; addresses in 198.18.0.0/15 only)
# PN_TAG=T (tools/pn_tag.sh): in every name made; the veth ends are
# pnbpa-T/pnbpb-T (the PID without it), each in a namespace of its own.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/pn_tag.sh"
case ${1:-} in -h|--help) sed -n '3,11s/^# \?//p' "$0"; echo "$PN_TAG_HELP"; exit 0 ;; esac
pn_tag_check || exit 2
build=${1:-$top/build}
n=20000
name=bp$$
nsa=$(pn_tagged "pn-bp-a-$$") nsb=$(pn_tagged "pn-bp-b-$$")
# IFNAMSIZ: pnbpa + 7 PID digits, or pnbpa- + the tag (at most 8): <= 15.
ifa=pnbpa${PN_TAG:+-}${PN_TAG:-$$} ifb=pnbpb${PN_TAG:+-}${PN_TAG:-$$}
prefix=$(pn_tagged "pn-bp-$$")
sock=/tmp/pn-peer-$(pn_tagged "$name")/vh.sock
pid=
cleanup() {
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
	"$top/tools/peer.sh" down --name "$name" >/dev/null 2>&1 || true
	ip netns del "$nsa" 2>/dev/null || true
	ip netns del "$nsb" 2>/dev/null || true
	rm -rf "/var/run/dpdk/$prefix"
}
trap cleanup EXIT

# flood NS DST: "pps avg_rtt_ms" for n echoes of 56 bytes
flood() {
	local out t0 t1
	t0=$(date +%s.%N)
	out=$(ip netns exec "$1" ping -f -q -c $n "$2")
	t1=$(date +%s.%N)
	grep -q " $n received" <<<"$out" || { echo "lost echoes: $out" >&2; exit 1; }
	python3 -c "import sys; print(f'{$n/($t1-$t0):.0f}', '$(sed -n 's/.*= [0-9.]*\/\([0-9.]*\)\/.*/\1/p' <<<"$out")')"
}
big() { # NS DST: avg RTT of 20 echoes of 65507 bytes
	ip netns exec "$1" ping -q -c 20 -i 0.01 -s 65507 "$2" | sed -n 's/.*= [0-9.]*\/\([0-9.]*\)\/.*/\1/p'
}

"$top/tools/peer.sh" up --name "$name" --bench "$build/app/pollnet-bench" >/dev/null
pns=pn-$(pn_tagged "$name")
"$build/app/pollnetd" --set "port.path=$sock" \
	--set "eal.file_prefix=$prefix" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 300); do ip netns exec "$pns" ping -c 1 -W 0.2 198.18.0.2 >/dev/null 2>&1 && break; done
read -r p_pps p_rtt < <(flood "$pns" 198.18.0.2)
p_big=$(big "$pns" 198.18.0.2)
kill -TERM "$pid"; wait "$pid" || true
# The same with pollnetd polling instead of sleeping between echoes.
"$build/app/pollnetd" --set "port.path=$sock" \
	--set "eal.file_prefix=$prefix" --set napi.sleep=false >/dev/null 2>&1 &
pid=$!
for _ in $(seq 300); do ip netns exec "$pns" ping -c 1 -W 0.2 198.18.0.2 >/dev/null 2>&1 && break; done
read -r q_pps q_rtt < <(flood "$pns" 198.18.0.2)
q_big=$(big "$pns" 198.18.0.2)

ip netns add "$nsa"
ip netns add "$nsb"
ip link add "$ifa" netns "$nsa" type veth peer name "$ifb" netns "$nsb"
ip -n "$nsa" addr add 198.18.1.1/24 dev "$ifa"
ip -n "$nsb" addr add 198.18.1.2/24 dev "$ifb"
ip -n "$nsa" link set "$ifa" up
ip -n "$nsb" link set "$ifb" up
ip netns exec "$nsa" ping -c 1 -W 2 198.18.1.2 >/dev/null
read -r k_pps k_rtt < <(flood "$nsa" 198.18.1.2)
k_big=$(big "$nsa" 198.18.1.2)

printf '%-44s %12s %14s %16s\n' "responder" "flood echo/s" "flood avg ms" "64 KB avg ms"
printf '%-44s %12s %14s %16s\n' "pollnetd (kernel -> tap -> bridge -> virtio)" "$p_pps" "$p_rtt" "$p_big"
printf '%-44s %12s %14s %16s\n' "pollnetd, napi.sleep = false (pure polling)" "$q_pps" "$q_rtt" "$q_big"
printf '%-44s %12s %14s %16s\n' "Linux kernel (kernel -> veth -> kernel)" "$k_pps" "$k_rtt" "$k_big"

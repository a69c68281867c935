#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# ICMP echo from the Linux kernel: pollnetd (through the tools/peer.sh
# bridge, one extra forwarding hop on the other CPU) against the Linux
# kernel answering over a veth pair between two namespaces. Reports the
# flood-ping rate and RTTs for 56-byte and 65507-byte echoes.
#
# usage: tools/bench-ping.sh [BUILD_DIR]   (root; creates and removes its
# namespaces pn-bp-*; addresses in 198.18.0.0/15 only)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
n=20000
name=bp$$
pid=
cleanup() {
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
	"$top/tools/peer.sh" down --name "$name" >/dev/null 2>&1 || true
	ip netns del pn-bp-a-$$ 2>/dev/null || true
	ip netns del pn-bp-b-$$ 2>/dev/null || true
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
"$build/app/pollnetd" --set "port.path=/tmp/pn-peer-$name/vh.sock" \
	--set "eal.file_prefix=pn-bp-$$" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 300); do ip netns exec "pn-$name" ping -c 1 -W 0.2 198.18.0.2 >/dev/null 2>&1 && break; done
read -r p_pps p_rtt < <(flood "pn-$name" 198.18.0.2)
p_big=$(big "pn-$name" 198.18.0.2)
kill -TERM "$pid"; wait "$pid" || true
# The same with pollnetd polling instead of sleeping between echoes.
"$build/app/pollnetd" --set "port.path=/tmp/pn-peer-$name/vh.sock" \
	--set "eal.file_prefix=pn-bp-$$" --set napi.sleep=false >/dev/null 2>&1 &
pid=$!
for _ in $(seq 300); do ip netns exec "pn-$name" ping -c 1 -W 0.2 198.18.0.2 >/dev/null 2>&1 && break; done
read -r q_pps q_rtt < <(flood "pn-$name" 198.18.0.2)
q_big=$(big "pn-$name" 198.18.0.2)

ip netns add pn-bp-a-$$
ip netns add pn-bp-b-$$
ip link add pnbpa$$ netns pn-bp-a-$$ type veth peer name pnbpb$$ netns pn-bp-b-$$
ip -n pn-bp-a-$$ addr add 198.18.1.1/24 dev pnbpa$$
ip -n pn-bp-b-$$ addr add 198.18.1.2/24 dev pnbpb$$
ip -n pn-bp-a-$$ link set pnbpa$$ up
ip -n pn-bp-b-$$ link set pnbpb$$ up
ip netns exec pn-bp-a-$$ ping -c 1 -W 2 198.18.1.2 >/dev/null
read -r k_pps k_rtt < <(flood pn-bp-a-$$ 198.18.1.2)
k_big=$(big pn-bp-a-$$ 198.18.1.2)

printf '%-44s %12s %14s %16s\n' "responder" "flood echo/s" "flood avg ms" "64 KB avg ms"
printf '%-44s %12s %14s %16s\n' "pollnetd (kernel -> tap -> bridge -> virtio)" "$p_pps" "$p_rtt" "$p_big"
printf '%-44s %12s %14s %16s\n' "pollnetd, napi.sleep = false (pure polling)" "$q_pps" "$q_rtt" "$q_big"
printf '%-44s %12s %14s %16s\n' "Linux kernel (kernel -> veth -> kernel)" "$k_pps" "$k_rtt" "$k_big"

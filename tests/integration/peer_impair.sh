# SPDX-License-Identifier: BSD-3-Clause
# Seeded impairment towards the kernel (--impair-to-kernel, the bridge's
# tap port): N UDP frames from a pollnet-bench txonly per phase, the
# bridge's counters against the kernel's (pntap0 RX, /proc/net/snmp):
#   loss=20 seed 7      lost ~ 20% (+-5 sigma), passed + lost == in == N,
#                       the kernel received exactly what passed
#   the same again      the same lost count: the run is reproducible
#   dup=10 seed 7       duplicated ~ 10%, the kernel received in + duplicated
#   corrupt/reorder/delay  every frame passes (delayed, some held back), the
#                       kernel drops each corrupted one on a checksum/header
#                       check and counts the rest as Udp NoPorts
. "$(dirname "$0")/peer_lib.sh"

export N=10000

# phase NAME SPEC: one bridge with --impair-to-kernel SPEC --seed 7, N
# frames through it; kernel counter deltas in $PN_TMP/NAME.env.
phase() {
	local name=$1 spec=$2 peer="$1$$" k0 k1
	pn_peer_up "$peer" --impair-to-kernel "$spec" --seed 7
	k0=$(kernel_counters "$peer")
	pn_pollnet_start "tx$name" --forward-mode=txonly --tx-count=$N --tx-delay=3600 \
		--eth-peer="$PEER_kernel_mac" --ip=198.18.0.2,198.18.0.1 \
		--json="$PN_TMP/tx$name.json"
	pn_start_traffic "tx$name" "tx$name"
	pn_wait_for "the sender ($name) to finish" 60 pn_log_has "tx$name" "generators done"
	pn_poll 10 kernel_settled "$peer" || pn_fail "the kernel kept receiving ($name)"
	k1=$(kernel_counters "$peer")
	pn_stop "tx$name"
	pn_peer_down "$peer"
	echo "$k0 $k1" | awk '{ n = NF / 2; for (i = 1; i <= n; i++) printf "%d ", $(i + n) - $i; print "" }' \
		>"$PN_TMP/$name.env"
	cp "$PN_TMP/$peer/bridge.json" "$PN_TMP/$name.json"
}

# Kernel counters of the namespace: pntap0 RX and what became of the datagrams.
kernel_counters() {
	local c
	for c in rx 'Udp: NoPorts' 'Udp: InCsumErrors' 'Ip: InHdrErrors' \
		 'Ip: InAddrErrors' 'Ip: InUnknownProtos' 'Udp: InErrors'; do
		printf '%s ' "$(pn_kernel_counter "$1" "$c")"
	done
}

# The kernel's RX count stopped moving for 0.2 s (frames are still delayed in
# the bridge for at most 300 us here).
kernel_settled() {
	local a b
	a=$(pn_kernel_counter "$1" rx)
	sleep 0.2
	b=$(pn_kernel_counter "$1" rx)
	[ "$a" = "$b" ]
}

phase loss 'loss=20'
phase loss2 'loss=20'
phase dup 'dup=10'
phase mix 'corrupt=5,reorder=10,reorder-depth=3,delay-us=200,jitter-us=100'

for p in loss loss2 dup mix; do
	export "K_$p=$(cat "$PN_TMP/$p.env")"
done
pn_json_check "$PN_TMP/loss.json" "$PN_TMP/loss2.json" "$PN_TMP/dup.json" "$PN_TMP/mix.json" -- '
import math
N = int(env["N"])
names = ["loss", "loss2", "dup", "mix"]
keys = ["rx", "noports", "csum", "hdr", "addr", "proto", "udperr"]
K = {n: dict(zip(keys, map(int, env["K_" + n].split()))) for n in names}
B = {n: j[i] for i, n in enumerate(names)}
I = {n: port(B[n], 1)["impair"] for n in names}
def tol(p): return 5 * math.sqrt(N * p * (1 - p))
for n in names:
    i, k, tap, vh = I[n], K[n], port(B[n], 1), port(B[n], 0)
    assert vh["rx_packets"] == N and i["in"] == N, f"{n}: bridge in != {N}: {i}"
    assert i["in"] + i["duplicated"] == i["passed"] + i["lost"] + i["held_dropped"], f"{n}: {i}"
    assert tap["tx_packets"] + tap["tx_full"] == i["passed"], f"{n}: tap TX + TX_FULL != passed: {tap}"
    assert k["rx"] == tap["tx_packets"], f"{n}: kernel RX != tap TX: {k} {tap}"
for n in ("loss", "loss2"):
    i, k = I[n], K[n]
    assert abs(i["lost"] - 0.2 * N) <= tol(0.2), f"{n}: lost not 20% +- {tol(0.2):.0f}: {i}"
    assert i["passed"] + i["lost"] == N, f"{n}: passed + lost != in: {i}"
    assert k["noports"] == k["rx"], f"{n}: kernel NoPorts != RX: {k}"
assert I["loss"]["lost"] == I["loss2"]["lost"], "same seed, different loss counts"
d, k = I["dup"], K["dup"]
assert abs(d["duplicated"] - 0.1 * N) <= tol(0.1), f"dup: not 10% +- {tol(0.1):.0f}: {d}"
assert d["passed"] == N + d["duplicated"] and d["lost"] == 0, f"dup: {d}"
assert k["rx"] == N + d["duplicated"], f"dup: kernel RX != in + duplicated: {k} {d}"
m, k = I["mix"], K["mix"]
assert m["passed"] == N and m["delayed"] == N and m["held_dropped"] == 0, f"mix: {m}"
assert abs(m["corrupted"] - 0.05 * N) <= tol(0.05), f"mix: corrupted not 5%: {m}"
assert abs(m["reordered"] - 0.1 * N) <= tol(0.1), f"mix: reordered not 10%: {m}"
assert k["rx"] - k["noports"] == m["corrupted"], f"mix: kernel dropped != corrupted: {k} {m}"
print("ok: loss=20 lost", I["loss"]["lost"], "and", I["loss2"]["lost"], "of", N,
      "| dup=10 duplicated", d["duplicated"], "kernel RX", K["dup"]["rx"],
      "| mix corrupted", m["corrupted"], "reordered", m["reordered"],
      "delayed", m["delayed"], "kernel", K["mix"])
'

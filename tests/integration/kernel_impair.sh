# SPDX-License-Identifier: BSD-3-Clause
# pollnetd and the kernel through an impaired bridge (seeded): 5% loss each
# way shows as the loss ping reports and nothing else goes wrong (no
# duplicates, no corrupted replies, every loss accounted for by the
# bridge); 5% reordering loses nothing.
. "$(dirname "$0")/kernel_lib.sh"

N=400
ns() { pn_peer_exec "$peer" "$@"; }

# --- 5% loss in each direction ---
peer=l$$
pn_peer_up "$peer" --seed 11 --impair-to-pollnet loss=5 --impair-to-kernel loss=5
pn_pollnetd_start d1 "$peer"
pn_wait_for "a first echo reply" 30 ns ping -c 1 -W 1 198.18.0.2 >/dev/null
out=$(ns ping -c $N -i 0.002 -W 1 198.18.0.2) # non-zero exit when some are lost
echo "$out" | tail -n 2
grep -q 'DUP!\|wrong data\|truncated' <<<"$out" && pn_fail "ping saw damage: $out"
export RECV=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' <<<"$out") N
pn_pollnetd_stop d1
export ECHO=$(pn_pollnetd_counter d1 echo)
pn_peer_down "$peer"
pn_json_check "$PN_TMP/$peer/bridge.json" -- '
br = j[0]
n, recv, echo = int(env["N"]), int(env["RECV"]), int(env["ECHO"])
to_p, to_k = port(br, 0)["impair"], port(br, 1)["impair"]
loss = 1 - recv / n
# Two independent 5% coins: about 9.75% of round trips fail.
assert 0.03 <= loss <= 0.20, f"loss {loss:.3f} outside 3..20% for 5% each way"
assert to_p["lost"] > 0 and to_k["lost"] > 0, "each direction lost something"
for d in (to_p, to_k):
    assert d["in"] == d["passed"] + d["lost"], f"bridge accounting: {d}"
    assert d["duplicated"] == 0 and d["corrupted"] == 0, f"only loss configured: {d}"
# pollnet answered every request that reached it (plus the warm-up ping).
lp, lk = to_p["lost"], to_k["lost"]
assert echo >= n - lp, f"pollnet echoed {echo} of {n} - {lp} delivered"
print(f"ok: loss {100*loss:.1f}% (to pollnet lost {lp}, to kernel lost {lk}), pollnet echoed {echo}")
'

# --- 5% reordering in each direction ---
peer=r$$
pn_peer_up "$peer" --seed 12 --impair-to-pollnet reorder=5,reorder-depth=3 \
	--impair-to-kernel reorder=5,reorder-depth=3
pn_pollnetd_start d2 "$peer"
pn_wait_for "a first echo reply" 30 ns ping -c 1 -W 1 198.18.0.2 >/dev/null
out=$(ns ping -c $N -i 0.002 -W 2 198.18.0.2) || pn_fail "reordered ping lost replies: $(tail -n 2 <<<"$out")"
echo "$out" | tail -n 2
grep -q " $N received, 0% packet loss" <<<"$out" || pn_fail "reordered ping: $(tail -n 2 <<<"$out")"
grep -q 'DUP!\|wrong data' <<<"$out" && pn_fail "ping saw damage: $out"
pn_pollnetd_stop d2
drops=$(pn_pollnetd_drops d2)
[ -z "${drops// /}" ] || pn_fail "pollnetd dropped under reordering: $drops"
pn_peer_down "$peer"
pn_json_check "$PN_TMP/$peer/bridge.json" -- '
a, b = port(j[0], 0)["impair"], port(j[0], 1)["impair"]
ra, rb = a["reordered"], b["reordered"]
assert ra > 0 and rb > 0, f"nothing was reordered: {a} {b}"
assert a["lost"] == 0 and b["lost"] == 0, (a, b)
print(f"ok: reordered {ra} towards pollnet, {rb} towards the kernel, nothing lost")
'

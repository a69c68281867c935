# SPDX-License-Identifier: BSD-3-Clause
# txonly (virtio side) -> rxonly (vhost side): every packet the sender's
# device accepted is received, except drops that are counted.
. "$(dirname "$0")/lib.sh"

export N=200000
sock=$(pn_vhost_sock)
pn_bench_start rx '0@0,1@0' "net_vhost0,iface=$sock,queues=1" -- \
	--forward-mode=rxonly --json="$PN_TMP/rx.json"
pn_wait_for "the vhost-user socket" 30 test -S "$sock"
pn_bench_start tx '0@1,1@1' "virtio_user0,path=$sock,queues=1" -- \
	--forward-mode=txonly --tx-count=$N --duration=3 --json="$PN_TMP/tx.json"
pn_wait_exit tx 60
pn_stop rx

pn_json_check "$PN_TMP/tx.json" "$PN_TMP/rx.json" -- '
N = int(env["N"])
tx, rx = j
assert tx["engine"] == "txonly" and rx["engine"] == "rxonly", "engines"
sent = port(tx)["tx_packets"]
assert sent == N, f"sender: {sent} packets accepted by the device, expected --tx-count {N}"
assert port(tx)["queues"][0]["tx_packets"] == sent, "sender: queue total != port total"
r = port(rx)
got = r["rx_packets"]
lost = r["imissed"] + r["ierrors"] + r["rx_nombuf"]
assert got > 0, "receiver got nothing"
assert got == sent - lost, f"receiver: {got} != {sent} sent - {lost} counted drops"
assert rx["lcores"][0]["engine_rx_packets"] == r["rx_packets"], "engine count != NAPI count"
assert drops(rx)["ENGINE"] == r["rx_packets"], "rxonly frees every packet as ENGINE"
assert not unexpected(rx), f"receiver drops: {unexpected(rx)}"
bad = {k: v for k, v in unexpected(tx).items() if k != "TX_FULL"}
assert not bad, f"sender drops other than TX_FULL: {bad}"
for l in rx["lcores"] + tx["lcores"]:
    for k in ("rounds", "processed", "time_squeeze", "sleeps", "wakeups", "drops"):
        assert k in l, f"lcore counters lack {k}"
print(f"ok: sent {sent}, received {got}, counted losses {lost}")
'

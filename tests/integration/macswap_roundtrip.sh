# SPDX-License-Identifier: BSD-3-Clause
# Round trip: txonly (virtio side) sends exactly N packets, the vhost side
# macswaps them back, and the sender counts what returns: N minus the drops
# counted on the way.
. "$(dirname "$0")/lib.sh"

export N=100000
sock=$(pn_vhost_sock)
pn_bench_start peer '0@0,1@0' "net_vhost0,iface=$sock,queues=1" -- \
	--forward-mode=macswap --tx-retries=64 --json="$PN_TMP/peer.json"
pn_wait_for "the vhost-user socket" 30 test -S "$sock"
pn_bench_start tx '0@1,1@1' "virtio_user0,path=$sock,queues=1" -- \
	--forward-mode=txonly --tx-count=$N --duration=3 --json="$PN_TMP/tx.json"
pn_wait_exit tx 60
pn_stop peer

pn_json_check "$PN_TMP/tx.json" "$PN_TMP/peer.json" -- '
N = int(env["N"])
tx, peer = j
s, p = port(tx), port(peer)
sent, echoed = s["tx_packets"], p["tx_packets"]
assert sent == N, f"sender: {sent} accepted, expected {N}"
assert p["rx_packets"] == N - p["imissed"] - p["ierrors"] - p["rx_nombuf"], "peer lost packets uncounted"
assert p["tx_packets"] + p["tx_full"] + drops(peer)["NO_TXQ"] == p["rx_packets"], "peer: rx != tx + counted drops"
back = s["rx_packets"]
lost = (N - p["tx_packets"]) + s["imissed"] + s["ierrors"] + s["rx_nombuf"]
assert back > 0, "nothing came back"
assert back == N - lost, f"sender got {back} back, expected {N} - {lost} counted drops"
assert tx["lcores"][0]["engine_rx_packets"] == back, "txonly counts what it receives"
bad = {k: v for k, v in unexpected(tx).items() if k != "TX_FULL"}
assert not bad, f"sender drops other than TX_FULL: {bad}"
assert set(unexpected(peer)) <= {"TX_FULL"}, f"peer drops: {unexpected(peer)}"
print(f"ok: sent {N}, echoed {echoed}, back {back}, counted losses {lost}")
'

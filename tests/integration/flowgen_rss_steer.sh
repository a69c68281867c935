# SPDX-License-Identifier: BSD-3-Clause
# flowgen with --tx-rss on the vhost side (one lcore owning both queues
# spreads flows the way device RSS would) -> rxonly on 2 queues with 2
# workers and --steer on the virtio side. Both queues get traffic, and
# since the sender's queue choice and the receiver's steering use the same
# symmetric Toeplitz key and RETA, no packet needs steering.
# The vhost-side sender holds its generators (--tx-delay) until the
# receiver runs: the virtio side resets its queues once while starting, and
# what a vhost peer put in them before that is lost without a trace.
# Then the same without --tx-rss (every flow on both queues): now the
# receiver's workers steer packets to each other, and nothing is lost
# uncounted.
. "$(dirname "$0")/lib.sh"

export N=100000
sock=$(pn_vhost_sock)
pn_bench_start tx '0@1,1@1' "net_vhost0,iface=$sock,queues=2" -- \
	--forward-mode=flowgen --flows=64 --tx-rss --rxq=2 --txq=2 \
	--tx-count=$N --tx-delay=3600 --json="$PN_TMP/tx.json"
pn_wait_for "the vhost-user socket" 30 test -S "$sock"
pn_bench_start rx '0@0,1@0,2@0' "virtio_user0,path=$sock,queues=2" -- \
	--forward-mode=rxonly --steer --json="$PN_TMP/rx.json"
pn_start_traffic tx rx
pn_wait_for "the sender to finish" 60 pn_log_has tx "generators done"
pn_stop tx
pn_stop rx

pn_json_check "$PN_TMP/tx.json" "$PN_TMP/rx.json" -- '
N = int(env["N"])
tx, rx = j
s, r = port(tx), port(rx)
assert tx["workers"] == 1 and len(s["queues"]) == 2, "sender: one lcore, two queues"
sent = s["tx_packets"]
assert sent == N, f"sender accepted {sent}, expected {N}"
per_q = [q["tx_packets"] for q in s["queues"]]
assert all(per_q), f"--tx-rss left a queue empty: {per_q}"
got = r["rx_packets"]
assert got == N - r["imissed"] - r["ierrors"] - r["rx_nombuf"], f"receiver got {got} of {N}"
rq = [q["rx_packets"] for q in r["queues"]]
assert rq == per_q, f"receiver queues {rq} != sender queues {per_q}"
assert rx["workers"] == 2 and rx["steering"] == 1, "receiver: 2 workers, steering"
out = sum(l["steered_out"] for l in rx["lcores"])
assert out == 0, f"{out} packets steered: sender RSS and receiver steering disagree"
seen = [l["engine_rx_packets"] for l in rx["lcores"]]
assert all(seen) and sum(seen) == got, f"per-lcore engine counts {seen}"
assert not unexpected(rx), f"receiver drops: {unexpected(rx)}"
print(f"ok: {N} packets over queues {per_q}, received per lcore {seen}, none steered")
'

# Phase 2: no --tx-rss; one generator per queue, each sending all flows.
sock=$(pn_vhost_sock vh2)
pn_bench_start tx2 '0@1,1@1' "net_vhost0,iface=$sock,queues=2" -- \
	--forward-mode=flowgen --flows=64 --rxq=2 --txq=2 \
	--tx-count=$N --tx-delay=3600 --json="$PN_TMP/tx2.json"
pn_wait_for "the vhost-user socket" 30 test -S "$sock"
pn_bench_start rx2 '0@0,1@0,2@0' "virtio_user0,path=$sock,queues=2" -- \
	--forward-mode=rxonly --steer --json="$PN_TMP/rx2.json"
pn_start_traffic tx2 rx2
pn_wait_for "the sender to finish" 60 pn_log_has tx2 "generators done"
pn_stop tx2
pn_stop rx2

pn_json_check "$PN_TMP/tx2.json" "$PN_TMP/rx2.json" -- '
N = int(env["N"])
tx, rx = j
s, r = port(tx), port(rx)
per_q = [q["tx_packets"] for q in s["queues"]]
assert per_q == [N, N], f"sender queues {per_q}, expected {N} each"
got = r["rx_packets"]
assert got == 2 * N - r["imissed"] - r["ierrors"] - r["rx_nombuf"], f"receiver got {got} of {2 * N}"
outs = [l["steered_out"] for l in rx["lcores"]]
ins = [l["steered_in"] for l in rx["lcores"]]
assert all(outs) and all(ins), f"steering idle: out {outs} in {ins}"
full, left = drops(rx)["BACKLOG_FULL"], drops(rx)["SHUTDOWN"]
assert sum(outs) == sum(ins) + left, f"steered out {outs} != in {ins} + {left} left at shutdown"
seen = sum(l["engine_rx_packets"] for l in rx["lcores"])
assert seen == got - full - left, f"engines saw {seen} of {got} - {full} BACKLOG_FULL - {left} SHUTDOWN"
assert set(unexpected(rx)) <= {"BACKLOG_FULL", "SHUTDOWN"}, f"receiver drops: {unexpected(rx)}"
print(f"ok: {got} received, steered out per lcore {outs}, in {ins}")
'

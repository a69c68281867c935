# SPDX-License-Identifier: BSD-3-Clause
# pollnet -> kernel through the peer bridge: a pollnet-bench txonly on
# virtio_user sends N UDP datagrams 198.18.0.2:1024 -> 198.18.0.1:9 to the
# tap's MAC; the kernel in the namespace receives every frame the bridge
# passed (pntap0 RX) and counts each datagram as Udp NoPorts (no socket on
# port 9). The bridge's impairment counters (port 1, towards the kernel,
# no impairment configured) show in == passed == N.
. "$(dirname "$0")/peer_lib.sh"

export N=5000
peer=b$$
pn_peer_up "$peer" --impair-to-kernel loss=0
export K_RX0=$(pn_kernel_counter "$peer" rx) NOPORTS0=$(pn_kernel_counter "$peer" 'Udp: NoPorts')
pn_pollnet_start tx --forward-mode=txonly --tx-count=$N --tx-delay=3600 \
	--eth-peer="$PEER_kernel_mac" --ip=198.18.0.2,198.18.0.1 --json="$PN_TMP/tx.json"
kill -USR1 "$PN_PID_tx"
pn_wait_for "the sender to finish" 60 pn_log_has tx "generators done"
# Everything the bridge took is on its way; wait for the kernel to count it.
kernel_has() { [ "$(pn_kernel_counter "$peer" 'Udp: NoPorts')" -ge $((NOPORTS0 + $1)) ]; }
pn_poll 10 kernel_has $N || echo "note: the kernel counted fewer than $N (checked below)"
pn_stop tx
export K_RX1=$(pn_kernel_counter "$peer" rx) NOPORTS1=$(pn_kernel_counter "$peer" 'Udp: NoPorts')
pn_peer_down "$peer"

pn_json_check "$PN_TMP/tx.json" "$PN_TMP/$peer/bridge.json" -- '
N = int(env["N"])
tx, br = j
krx = int(env["K_RX1"]) - int(env["K_RX0"])
noports = int(env["NOPORTS1"]) - int(env["NOPORTS0"])
sent = port(tx)["tx_packets"]
assert sent == N, f"pollnet sent {sent}, expected {N}"
vh, tap = port(br, 0), port(br, 1)
assert vh["rx_packets"] == N, f"bridge received {vh} from pollnet, expected {N}"
im = tap["impair"]
tin, tpass, ttx = im["in"], im["passed"], tap["tx_packets"]
assert tin == tpass == N, f"impair in {tin} passed {tpass}, expected {N}"
assert ttx + tap["tx_full"] == tpass, f"tap TX {ttx} + TX_FULL != passed {tpass}"
assert ttx >= N * 0.99, f"the tap took only {ttx} of {N}"
assert krx == ttx, f"pntap0 RX {krx} != bridge tap TX {ttx}"
assert noports == ttx, f"kernel Udp NoPorts +{noports} != frames delivered {ttx}"
print(f"ok: pollnet sent {sent}; bridge impair in {tin} passed {tpass}, tap TX {ttx}; "
      f"kernel pntap0 RX +{krx}, Udp NoPorts +{noports}")
'

# SPDX-License-Identifier: BSD-3-Clause
# Kernel -> pollnet through the peer bridge: the kernel in the namespace
# sends N UDP datagrams to 198.18.0.2 (a static neighbour entry points at
# the virtio MAC), a pollnet-bench rxonly on virtio_user counts them. The
# bridge's impairment counters (port 0, towards pollnet, no impairment
# configured but counting) show in == passed, and every frame the kernel
# sent on pntap0 is accounted for at each hop. The sender is flow-controlled
# on what pollnet received (pn_udp_send): a busy machine delays, never drops;
# a drop anyway fails naming its hop and counter, the kernel's included
# (pntap0 tx_dropped: the bridge did not read the tap's ring in time).
. "$(dirname "$0")/peer_lib.sh"

export N=2000
peer=a$$
pn_peer_up "$peer" --impair-to-pollnet loss=0
pn_pollnet_start rx --forward-mode=rxonly --stats-period=1 --json="$PN_TMP/rx.json"
mac=$(pn_bench_mac rx)
[ -n "$mac" ] || pn_fail "no MAC for the virtio port in rx.log"
pn_peer_exec "$peer" ip neigh replace 198.18.0.2 lladdr "$mac" dev pntap0 nud permanent ||
	pn_fail "ip neigh replace"

# The vhost side of the bridge is ready a little after the virtio side runs:
# one datagram at a time (to port 7) until the first one arrives.
warm=0
deadline=$((SECONDS + 20))
until pn_rx_at_least rx 1; do
	[ $SECONDS -ge $deadline ] && pn_fail "no warm-up datagram reached pollnet in 20 s"
	pn_udp_send "$peer" 1 7
	warm=$((warm + 1))
	pn_poll 2 pn_rx_at_least rx 1 # the stats period is 1 s
done
export WARM=$warm
export K_TX0=$(pn_kernel_counter "$peer" tx) U_OUT0=$(pn_kernel_counter "$peer" 'Udp: OutDatagrams')
export K_DROP0=$(pn_kernel_counter "$peer" tx_dropped)
pn_udp_send "$peer" $N 9 rx || pn_fail "sending from the namespace failed"
# Short of N after 30 s: the counters below say where the rest went.
pn_poll 30 pn_rx_at_least rx $N
export K_TX1=$(pn_kernel_counter "$peer" tx) U_OUT1=$(pn_kernel_counter "$peer" 'Udp: OutDatagrams')
export K_DROP1=$(pn_kernel_counter "$peer" tx_dropped)
pn_stop rx
pn_peer_down "$peer"

pn_json_check "$PN_TMP/rx.json" "$PN_TMP/$peer/bridge.json" -- '
N, warm = int(env["N"]), int(env["WARM"])
rx, br = j
sent = int(env["U_OUT1"]) - int(env["U_OUT0"])
ktx = int(env["K_TX1"]) - int(env["K_TX0"])
kdrop = int(env["K_DROP1"]) - int(env["K_DROP0"])
got = port(rx)["rx_packets"]
vh, tap = port(br, 0), port(br, 1)
c = lambda d, *k: ", ".join(f"{x} {d[x]}" for x in k)
t_s = c(tap, "rx_packets", "ierrors", "rx_nombuf")
v_s = c(vh, "tx_packets", "tx_full")
p_s = c(port(rx), "rx_packets", "imissed", "ierrors", "rx_nombuf")
hops = (f"kernel UDP out {sent}, pntap0 TX {ktx} tx_dropped {kdrop}; bridge tap {t_s}; "
        f"bridge vhost {v_s}; pollnet {p_s}, drops {unexpected(rx)}")
assert sent == N, f"kernel sent {sent} UDP datagrams, expected {N}: {hops}"
assert kdrop == 0, f"pntap0 dropped {kdrop} frames (ring full, the bridge too slow to read): {hops}"
assert ktx >= N, f"pntap0 sent {ktx} frames, expected >= {N}: {hops}"
assert got >= N, f"pollnet received {got} frames, expected >= {N}: {hops}"
assert vh["driver"] == "net_vhost" and tap["driver"] == "net_tap", "bridge ports"
im = vh["impair"]
tin, tpass = im["in"], im["passed"]
assert tin == tap["rx_packets"], f"impair in {tin} != tap RX {tap}"
assert tin == tpass, f"impair in {tin} != passed {tpass}"
assert im["lost"] == im["duplicated"] == im["held_dropped"] == 0, f"impair {im}"
vtx = vh["tx_packets"]
assert vtx + vh["tx_full"] == tpass, f"vhost TX {vtx} + TX_FULL != passed {tpass}"
assert got == vtx, f"pollnet got {got}, the bridge sent {vtx} to it"
print(f"ok: kernel sent {sent} datagrams (+{warm} warm-up), pntap0 TX {ktx}; "
      f"bridge impair in {tin} passed {tpass}; pollnet received {got}")
'

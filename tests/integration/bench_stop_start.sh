# SPDX-License-Identifier: BSD-3-Clause
# --stopped, SIGUSR1 and SIGUSR2 as testpmd's 'start tx_first' and 'stop':
# nothing flows until started; a macswap loop primed by --tx-first runs;
# stopped, it goes quiet; started again, --tx-first primes it again.
. "$(dirname "$0")/lib.sh"

sock=$(pn_vhost_sock)
pn_bench_start peer '0@0,1@0' "net_vhost0,iface=$sock,queues=1" -- \
	--forward-mode=macswap --stopped --json="$PN_TMP/peer.json"
pn_wait_for "the vhost-user socket" 30 test -S "$sock"
pn_bench_start tx '0@1,1@1' "virtio_user0,path=$sock,queues=1" -- \
	--forward-mode=macswap --tx-first=4 --stopped --json="$PN_TMP/tx.json"

# ipackets of port 0 of bench NAME through its telemetry socket, or
# "down" while its link is down.
rx_of() {
	TSOCK=/var/run/dpdk/$PN_RUN_ID-$1/dpdk_telemetry.v2 python3 - <<'PY'
import json, os, socket
def ask(cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(os.environ["TSOCK"])
    s.recv(4096)
    s.send(cmd.encode())
    r = json.loads(s.recv(1 << 16).decode())
    s.close()
    return r[cmd.split(",")[0]]
up = ask("/ethdev/link_status,0")["status"] == "UP"
print(ask("/ethdev/stats,0")["ipackets"] if up else "down")
PY
}
links_up() { [ "$(rx_of tx 2>/dev/null)" != down ] && [ "$(rx_of peer 2>/dev/null)" != down ] && [ -n "$(rx_of tx 2>/dev/null)" ]; }
above() { local n; n=$(rx_of tx) && [ "$n" -gt "$1" ]; }
said() { [ "$(grep -c -- "pollnet-bench: $2\$" "$PN_TMP/$1.log")" -ge "$3" ]; }
quiet_at() { # the count no longer moves over 200 ms: print it
	local a b
	a=$(rx_of tx)
	while sleep 0.2; b=$(rx_of tx); [ "$a" != "$b" ]; do a=$b; done
	echo "$b"
}

pn_wait_for "both running" 30 pn_log_has tx "pollnet-bench: running"
pn_wait_for "links up" 30 links_up
sleep 0.5 # a window in which nothing may flow
[ "$(rx_of tx)" = 0 ] || pn_fail "packets flowed before the start: $(rx_of tx)"

kill -USR1 "$PN_PID_peer"
pn_wait_for "peer started" 10 said peer started 1
kill -USR1 "$PN_PID_tx"
pn_wait_for "the loop to run" 30 above 20000

kill -USR2 "$PN_PID_tx" "$PN_PID_peer"
pn_wait_for "both stopped" 10 said tx stopped 1
pn_wait_for "peer stopped" 10 said peer stopped 1
c1=$(quiet_at)
t1=$(pn_cpu_ticks "$PN_PID_tx")
sleep 1 # stopped: nothing moves, and the lcores sleep
c2=$(rx_of tx)
t2=$(pn_cpu_ticks "$PN_PID_tx")
[ "$c1" = "$c2" ] || pn_fail "packets moved while stopped: $c1 -> $c2"
[ $((t2 - t1)) -lt $(($(getconf CLK_TCK) / 10)) ] ||
	pn_fail "stopped, the sender used $((t2 - t1)) ticks of CPU in 1 s"

kill -USR1 "$PN_PID_peer"
pn_wait_for "peer started again" 10 said peer started 2
kill -USR1 "$PN_PID_tx"
pn_wait_for "the loop to run again" 30 above $((c2 + 20000))
pn_stop tx
pn_stop peer

pn_json_check "$PN_TMP/tx.json" "$PN_TMP/peer.json" -- '
tx, peer = j
# What was in flight at a stop is freed by the engine (ENGINE drops).
for name, r in (("tx", tx), ("peer", peer)):
    bad = set(unexpected(r)) - {"TX_FULL"}
    assert not bad, f"{name}: drops {unexpected(r)}"
sent, echoed = port(tx)["tx_packets"], port(peer)["tx_packets"]
assert sent > 40000 and echoed > 40000, (sent, echoed)
print(f"ok: tx sent {sent}, peer echoed {echoed}")
'

# SPDX-License-Identifier: BSD-3-Clause
# The lcore counters through DPDK telemetry (/pollnet/*), read over the
# process's telemetry socket while it runs, agree with its JSON summary.
. "$(dirname "$0")/lib.sh"

export N=50000
sock=$(pn_vhost_sock)
pn_bench_start rx '0@0,1@0' "net_vhost0,iface=$sock,queues=1" -- \
	--forward-mode=rxonly --json="$PN_TMP/rx.json"
pn_wait_for "the vhost-user socket" 30 test -S "$sock"
pn_bench_start tx '0@1,1@1' "virtio_user0,path=$sock,queues=1" -- \
	--forward-mode=txonly --tx-count=$N --duration=2
pn_wait_exit tx 60

# The receiver is still running: ask it.
export TSOCK=/var/run/dpdk/$PN_RUN_ID-rx/dpdk_telemetry.v2
python3 - >"$PN_TMP/tel.json" <<'PY' || pn_fail "telemetry query failed"
import json, os, socket
out = {}
for cmd in ("/", "/pollnet/lcores", "/pollnet/softnet", "/pollnet/softnet,0",
            "/pollnet/napi,0", "/pollnet/drops", "/pollnet/napi,99"):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(os.environ["TSOCK"])
    s.recv(4096)
    s.send(cmd.encode())
    out[cmd] = json.loads(s.recv(1 << 16).decode())
    s.close()
print(json.dumps(out))
PY
pn_stop rx

pn_json_check "$PN_TMP/tel.json" "$PN_TMP/rx.json" -- '
t, rx = j
cmds = t["/"]["/"]
for c in ("/pollnet/lcores", "/pollnet/softnet", "/pollnet/napi", "/pollnet/drops"):
    assert c in cmds, f"{c} not registered: {cmds}"
lc = t["/pollnet/lcores"]["/pollnet/lcores"]
assert lc["shards"] == 1 and lc["steering"] == 0, lc
s0 = t["/pollnet/softnet,0"]["/pollnet/softnet"]
sall = t["/pollnet/softnet"]["/pollnet/softnet"]["0"]
assert s0["shard"] == 0 and sall["shard"] == 0 and s0["rounds"] > 0, "softnet forms"
got = port(rx)["rx_packets"]
# Traffic had stopped when telemetry was read: the counts are final.
proc = s0["processed"]
assert proc == got, f"telemetry processed {proc} != {got} received"
dr = t["/pollnet/drops"]["/pollnet/drops"]
eng = dr["ENGINE"]
assert eng == got, f"drops ENGINE {eng} != {got}"
assert set(dr) >= {"BACKLOG_FULL", "TX_FULL", "NO_TXQ", "NO_HANDLER", "ENGINE", "SHUTDOWN"}, dr
napi = t["/pollnet/napi,0"]["/pollnet/napi"]
rxq = [v for k, v in napi.items() if k.startswith("rx_")]
assert len(rxq) == 1 and rxq[0]["packets"] == got, napi
assert rxq[0]["irq"] == 1, "the RX queue has an interrupt"
assert "backlog" in napi and "msg" in napi, napi
assert t["/pollnet/napi,99"]["/pollnet/napi"] is None, "bad shard must be refused"
print(f"ok: telemetry agrees: {got} packets, {len(napi)} NAPI instances")
'

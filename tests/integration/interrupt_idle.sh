# SPDX-License-Identifier: BSD-3-Clause
# Interrupt mode: an idle receiver sleeps on RX interrupts (< 10% of a CPU
# over 2 s without traffic), then wakes and receives when traffic starts.
# The sender holds its generator (--tx-delay) until the test sends SIGUSR1.
. "$(dirname "$0")/lib.sh"

export N=50000
sock=$(pn_vhost_sock)
pn_bench_start tx '0@1,1@1' "net_vhost0,iface=$sock,queues=1" -- \
	--forward-mode=txonly --tx-delay=3600 --tx-count=$N --json="$PN_TMP/tx.json"
pn_wait_for "the vhost-user socket" 30 test -S "$sock"
pn_bench_start rx '0@0,1@0' "virtio_user0,path=$sock,queues=1" -- \
	--forward-mode=rxonly --json="$PN_TMP/rx.json"
pn_wait_for "the receiver to run" 30 pn_log_has rx "running rxonly"

# The measurement window: 2 s of wall time with no traffic.
t0=$EPOCHREALTIME c0=$(pn_cpu_ticks "$PN_PID_rx")
sleep 2
t1=$EPOCHREALTIME c1=$(pn_cpu_ticks "$PN_PID_rx")
pn_log_has tx "generators started" && pn_fail "the sender started before SIGUSR1"
hz=$(getconf CLK_TCK)
read -r pct ok < <(awk -v c=$((c1 - c0)) -v hz="$hz" -v t0="$t0" -v t1="$t1" \
	'BEGIN { p = 100 * c / hz / (t1 - t0); printf "%.1f %d\n", p, p < 10 }')
echo "idle receiver CPU: $pct% of one CPU ($((c1 - c0)) ticks at $hz Hz)"
[ "$ok" = 1 ] || pn_fail "idle receiver used $pct% CPU (limit 10%): not sleeping on interrupts"

kill -USR1 "$PN_PID_tx"
pn_wait_for "the sender to finish" 60 pn_log_has tx "generators done"
pn_stop tx
pn_stop rx

pn_json_check "$PN_TMP/tx.json" "$PN_TMP/rx.json" -- '
N = int(env["N"])
tx, rx = j
sent, r = port(tx)["tx_packets"], port(rx)
got = r["rx_packets"]
lost = r["imissed"] + r["ierrors"] + r["rx_nombuf"]
assert sent == N, f"sender accepted {sent}, expected {N}"
assert got > 0, "the receiver did not wake up for traffic"
assert got == sent - lost, f"receiver: {got} != {sent} - {lost} counted drops"
l = rx["lcores"][0]
assert l["sleeps"] > 0 and l["wakeups"] > 0, f"receiver never slept/woke: {l}"
assert not unexpected(rx), f"receiver drops: {unexpected(rx)}"
sl, wk = l["sleeps"], l["wakeups"]
print(f"ok: received {got}; receiver slept {sl} times, woken {wk} times")
'

# SPDX-License-Identifier: BSD-3-Clause
# pollnet-bench's TCP engines, the same code on both stacks:
#   pollnet <-> pollnet over vhost-user (server on net_vhost 198.18.0.1,
#   client on virtio_user 198.18.0.2), then Linux <-> Linux over loopback
#   (in a namespace of its own when run as root);
# tcp-rr (4 connections, depth 2) and tcp-crr (4 in parallel, RST close),
# ~2 s each: transactions happened, no errors, the JSON summaries parse and
# agree (the server answered what the client counted). No timing asserted.
# Also: a bad pn_init option is exit 2 with a message; tcp-idle holds 2000
# connections over 4 server ports on pollnet; an idle server stays under 5 %
# of a CPU.
. "$(dirname "$0")/lib.sh"

DUR=2
ns=""
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null; then
	ns=$(pn_tagged "tbench$$")
	ip netns add "$ns" || pn_fail "ip netns add $ns"
	trap 'ip netns del "$ns" 2>/dev/null; pn_cleanup' EXIT
	ip netns exec "$ns" ip link set lo up
fi

# running NAME: the bench NAME says it runs (its log may not exist yet).
running() { grep -qs "pollnet-bench: running" "$PN_TMP/$1.log"; }

# check CLIENT_JSON SERVER_JSON ENGINE STACK
check() {
	pn_json_check "$1" "$2" -- "
c, s = j
what = '$4 $3'
assert c['engine'] == '$3' and c['stack'] == '$4', f'{what}: engine/stack {c[\"engine\"]}/{c[\"stack\"]}'
assert c['role'] == 'client' and s['role'] == 'server', 'roles'
assert c['transactions'] > 0, f'{what}: no transactions'
assert c['errors'] == 0, f'{what}: client errors {c}'
lat = c['latency_us']
assert lat['count'] == c['transactions'], f'{what}: {lat[\"count\"]} latencies for {c[\"transactions\"]} transactions'
assert 0 < lat['p50'] <= lat['p99'] <= lat['max'], f'{what}: percentiles {lat}'
# the server ran longer (from before the client to SIGTERM): it answered
# at least what the client measured
assert s['transactions'] >= c['transactions'], f'{what}: server {s[\"transactions\"]} < client {c[\"transactions\"]}'
if '$3' == 'tcp-crr':
    assert c['conns_opened'] > 0 and c['conns_closed'] >= c['conns_opened'] - 4, f'{what}: connections {c}'
    assert s['conns_accepted'] >= c['transactions'], f'{what}: accepted {s[\"conns_accepted\"]}'
print(f'ok: {what}: {c[\"transactions\"]} transactions in {c[\"duration_s\"]:.2f} s, p50 {lat[\"p50\"]:.1f} us, 0 errors')
"
}

# --- pollnet <-> pollnet -------------------------------------------------
for engine in tcp-rr tcp-crr; do
	case $engine in
	tcp-rr) extra=(--conns 4 --depth 2) ;;
	tcp-crr) extra=(--conns 4 --linger0) ;;
	esac
	sock=$(pn_vhost_sock "$engine")
	pn_bench_start "p_${engine#tcp-}_srv" '0@0' "net_vhost0,iface=$sock,queues=1" -- \
		--engine "$engine" --role server --port 5001 --addr 198.18.0.1/24 \
		--stats-period 0 --json "$PN_TMP/p-$engine-srv.json"
	pn_wait_for "the $engine server" 30 running "p_${engine#tcp-}_srv"
	if [ "$engine" = tcp-rr ]; then
		# No peer yet: the server sleeps in epoll_wait (its 10 ms
		# timeouts must not end in a busy-polled last millisecond).
		pidvar=PN_PID_p_rr_srv
		t1=$(pn_cpu_ticks "${!pidvar}")
		sleep 1
		t2=$(pn_cpu_ticks "${!pidvar}")
		[ $((t2 - t1)) -lt $(($(getconf CLK_TCK) / 20)) ] ||
			pn_fail "an idle tcp-rr server used $((t2 - t1)) ticks of CPU in 1 s"
	fi
	pn_bench_start "p_${engine#tcp-}_cli" '0@1' "virtio_user0,path=$sock,queues=1" -- \
		--engine "$engine" --connect 198.18.0.1:5001 --addr 198.18.0.2/24 \
		--duration $DUR --stats-period 0 "${extra[@]}" \
		--json "$PN_TMP/p-$engine-cli.json"
	pn_wait_exit "p_${engine#tcp-}_cli" 60
	pn_stop "p_${engine#tcp-}_srv"
	check "$PN_TMP/p-$engine-cli.json" "$PN_TMP/p-$engine-srv.json" "$engine" pollnet
done

# --- pollnet: pn_init's options are checked ------------------------------
# A bad value is exit 2 with one message naming the option and its range.
rc=0
PN_PREFIXES+=("$PN_RUN_ID-badopt")
"$PN_BENCH" "${PN_EAL_COMMON[@]}" --file-prefix "$PN_RUN_ID-badopt" \
	--lcores '0@0' --vdev net_null0 -- --engine tcp-rr --role server \
	--max-conns 5 >"$PN_TMP/badopt.log" 2>&1 || rc=$?
[ "$rc" = 2 ] || pn_fail "--max-conns 5: exit $rc, expected 2"
grep -q -- "--max-conns 5: expected an integer in 16..16777216" "$PN_TMP/badopt.log" ||
	pn_fail "--max-conns 5: no message naming the option: $(cat "$PN_TMP/badopt.log")"
echo "ok: pn_init --max-conns 5 refused (exit 2)"
rc=0
"$PN_BENCH" "${PN_EAL_COMMON[@]}" --file-prefix "$PN_RUN_ID-badopt" \
	--lcores '0@0' --vdev net_null0 -- --engine tcp-rr --role server \
	--sndbuf 4095 >"$PN_TMP/badopt.log" 2>&1 || rc=$?
[ "$rc" = 2 ] || pn_fail "--sndbuf 4095: exit $rc, expected 2"
grep -q -- "--sndbuf 4095: expected an integer in 4096..67108864" "$PN_TMP/badopt.log" ||
	pn_fail "--sndbuf 4095: no message naming the option: $(cat "$PN_TMP/badopt.log")"
echo "ok: pn_init --sndbuf 4095 refused (exit 2)"

# --- pollnet tcp-idle: 2000 connections over 4 ports, opened and held ------
sock=$(pn_vhost_sock idle)
pn_bench_start p_idle_srv '0@0' "net_vhost0,iface=$sock,queues=1" -- \
	--engine tcp-idle --role server --ports 6000-6003 --addr 198.18.0.1/24 \
	--max-conns 4096 --stats-period 0 --json "$PN_TMP/p-idle-srv.json"
pn_wait_for "the tcp-idle server" 30 running p_idle_srv
pn_bench_start p_idle_cli '0@1' "virtio_user0,path=$sock,queues=1" -- \
	--engine tcp-idle --connect 198.18.0.1:6000 --ports 6000-6003 \
	--conns 2000 --rate 4000 --addr 198.18.0.2/24 --duration 60 \
	--stats-period 1 --json "$PN_TMP/p-idle-cli.json"
# held: the client's periodic line counts every connection open
held() { grep -qs "conns 2000 " "$PN_TMP/p_idle_cli.log"; }
pn_wait_for "2000 idle connections" 30 held
pn_stop p_idle_srv  # first: it samples its memory with all of them held
pn_stop p_idle_cli
pn_json_check "$PN_TMP/p-idle-cli.json" "$PN_TMP/p-idle-srv.json" -- "
c, s = j
assert c['engine'] == 'tcp-idle' and s['role'] == 'server', 'engine/role'
assert c['held'] == 2000 and c['connect_errors'] == 0, f'client {c}'
assert s['held'] == 2000 and s['conns_accepted'] == 2000, f'server {s}'
m = s['memory']
assert m['rss_after'] > m['rss_before'] > 0, f'memory {m}'
print(f'ok: tcp-idle pollnet: 2000 held, server RSS +{m[\"rss_per_conn\"]:.0f} B/conn')
"

# --- Linux <-> Linux over loopback ----------------------------------------
# lx NAME CPU ARGS...: pollnet-bench --stack linux in the namespace, pinned.
lx() {
	local name=$1 cpu=$2
	shift 2
	${ns:+ip netns exec "$ns"} taskset -c "$cpu" "$PN_BENCH" -- --stack linux \
		"$@" >"$PN_TMP/$name.log" 2>&1 &
	PN_PIDS+=("$!")
	printf -v "PN_PID_$name" '%s' "$!"
}
port=$((20000 + $$ % 20000))
for engine in tcp-rr tcp-crr; do
	case $engine in
	tcp-rr) extra=(--conns 4 --depth 2) ;;
	tcp-crr) extra=(--conns 4 --linger0) ;;
	esac
	port=$((port + 1))
	lx "l_${engine#tcp-}_srv" 0 --engine "$engine" --role server --port $port \
		--stats-period 0 --json "$PN_TMP/l-$engine-srv.json"
	pn_wait_for "the linux $engine server" 30 running "l_${engine#tcp-}_srv"
	lx "l_${engine#tcp-}_cli" 1 --engine "$engine" --connect 127.0.0.1:$port \
		--duration $DUR --stats-period 0 "${extra[@]}" \
		--json "$PN_TMP/l-$engine-cli.json"
	pn_wait_exit "l_${engine#tcp-}_cli" 30
	pn_stop "l_${engine#tcp-}_srv"
	check "$PN_TMP/l-$engine-cli.json" "$PN_TMP/l-$engine-srv.json" "$engine" linux
done

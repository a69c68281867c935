# SPDX-License-Identifier: BSD-3-Clause
# pollnet-bench's TCP engines with the server on 2 lcores, in two modes
# (tools/bench-scale.py measures the same set-ups):
#  rss:   server and client on 2 lcores and 2 vhost-user queue pairs,
#         joined directly: client shard i sends on queue i, which the
#         server polls on shard i, and picks ephemeral ports whose
#         (symmetric Toeplitz) hash maps to shard i: device RSS emulated
#         by the peer. tcp-rr (64 connections) then tcp-crr (RST close):
#         every connection established on its opening shard (ActiveOpens
#         = CurrEstab, no connect error, no SYN retransmitted but those
#         whose first copy the ARP pending queue dropped: 16 per
#         neighbour, while the first connects wait for the reply), both
#         server and both client lcores hold connections and answer
#         transactions, and nothing is steered on either side.
#  steer: a pollnet-bench io bridge sends every packet to the server on
#         RX queue 0 (a peer that does not spread); the client is on one
#         lcore. Shard 0 steers shard 1's flows to it (steered_out > 0,
#         shard 1 steered_in > 0), both shards accept and answer.
#  queues: the server on 2 lcores with one device queue pair
#         (POLLNET_OPTS=--queues=1, pn_init): shard 0 polls it and steers,
#         shard 1 has no RX queue and shares shard 0's TX queue; the client
#         on one lcore, joined directly. Checked as steer.
# No timing is asserted.
. "$(dirname "$0")/lib.sh"

PNCTL="${PN_SOURCE_DIR:-$(dirname "$0")/../..}/tools/pollnetctl"
CONNS=64

# tel NAME CMD: a telemetry command of bench NAME, as JSON.
tel() { python3 "$PNCTL" --prefix "$PN_RUN_ID-$1" raw "$2"; }
# sum NAME SHARDS FIELD: FIELD of /pollnet/tcp,N summed over N < SHARDS.
sum() {
	local n=0 i v
	for ((i = 0; i < $2; i++)); do
		v=$(tel "$1" "/pollnet/tcp,$i" | python3 -c "import json, sys; print(json.load(sys.stdin)['$3'])") || return 1
		n=$((n + v))
	done
	echo "$n"
}
# established NAME SHARDS: every connection the client opened is
# established (none left in SYN-SENT), all CONNS of them.
established() {
	[ "$(sum "$1" "$2" ActiveOpens)" = "$CONNS" ] &&
		[ "$(sum "$1" "$2" CurrEstab)" = "$CONNS" ]
}
# answered NAME N: both server shards received at least N segments.
answered() {
	[ "$(tel "$1" /pollnet/tcp,0 | python3 -c 'import json, sys; print(json.load(sys.stdin)["InSegs"])')" -ge "$2" ] &&
		[ "$(tel "$1" /pollnet/tcp,1 | python3 -c 'import json, sys; print(json.load(sys.stdin)["InSegs"])')" -ge "$2" ]
}
# running NAME: the bench NAME says it runs (its log may not exist yet).
running() { grep -qs "pollnet-bench: running" "$PN_TMP/$1.log"; }
softnet() { tel "$1" /pollnet/softnet >"$PN_TMP/$1-softnet.json"; }

# run MODE ENGINE: one server, one client, checks.
run() {
	local mode=$1 engine=$2 srv=$1_${2#tcp-}_srv cli=$1_${2#tcp-}_cli
	local ssock csock sdev cdev clc extra=() ncli sopts=
	ssock=$(pn_vhost_sock "$srv") csock=$(pn_vhost_sock "$cli")
	case $mode in
	rss) sdev="net_vhost0,iface=$ssock,queues=2"
		cdev="virtio_user0,path=$ssock,queues=2" clc='0@1,1@1,2@0' ncli=2 ;;
	steer) pn_bench_start "$1_${2#tcp-}_br" '0@1,1@1' "net_vhost0,iface=$csock,queues=2" \
			--vdev "net_vhost1,iface=$ssock,queues=2" -- --forward-mode=io \
			--rxq=2 --txq=2 --stats-period=0 --json "$PN_TMP/$mode-$engine-br.json"
		pn_wait_for "the bridge" 30 running "$1_${2#tcp-}_br"
		sdev="virtio_user0,path=$ssock,queues=2"
		cdev="virtio_user0,path=$csock,queues=2" clc='0@1,1@1' ncli=1 ;;
	queues) sdev="net_vhost0,iface=$ssock,queues=1" sopts=--queues=1
		cdev="virtio_user0,path=$ssock,queues=1" clc='0@1,1@1' ncli=1 ;;
	esac
	case $engine in
	tcp-rr) extra=(--conns $CONNS) ;;
	tcp-crr) extra=(--conns 16 --linger0) ;;
	esac
	POLLNET_OPTS=$sopts pn_bench_start "$srv" '0@0,1@0,2@1' "$sdev" -- --engine "$engine" \
		--role server --port 5001 --addr 198.18.0.1/24 --req-size 64 \
		--resp-size 64 --stats-period 0 --json "$PN_TMP/$mode-$engine-srv.json"
	pn_wait_for "the $mode $engine server" 30 running "$srv"
	pn_bench_start "$cli" "$clc" "$cdev" -- --engine "$engine" \
		--connect 198.18.0.1:5001 --addr 198.18.0.2/24 --req-size 64 \
		--resp-size 64 --duration 0 --stats-period 0 "${extra[@]}" \
		--json "$PN_TMP/$mode-$engine-cli.json"
	pn_wait_for "the $mode $engine client" 30 running "$cli"
	[ "$engine" = tcp-rr ] &&
		pn_wait_for "$CONNS connections established ($mode)" 20 established "$cli" "$ncli"
	pn_wait_for "segments on both server shards ($mode $engine)" 20 answered "$srv" 2000
	softnet "$cli"
	tel "$cli" /pollnet/drops >"$PN_TMP/$cli-drops.json"
	sum "$cli" "$ncli" TCPSynRetrans >"$PN_TMP/$mode-$engine-synre"
	pn_stop "$cli"
	softnet "$srv"
	pn_stop "$srv"
	[ "$mode" = steer ] && pn_stop "$1_${2#tcp-}_br"
	pn_json_check "$PN_TMP/$mode-$engine-cli.json" "$PN_TMP/$mode-$engine-srv.json" \
		"$PN_TMP/$cli-softnet.json" "$PN_TMP/$srv-softnet.json" \
		"$PN_TMP/$cli-drops.json" -- "
c, s, csn, ssn, cdrops = j
what = '$mode $engine'
synre = int(open('$PN_TMP/$mode-$engine-synre').read())
assert c['errors'] == 0 and s['errors'] == 0, f'{what}: errors: client {c[\"errors\"]} server {s[\"errors\"]}'
assert c['transactions'] >= 1000, f'{what}: {c[\"transactions\"]} transactions'
sl = [t['since_start'] for t in s['per_thread']]
cl = [t['since_start'] for t in c['per_thread']]
assert len(sl) == 2 and all(t['conns_accepted'] > 0 and t['transactions'] > 0 for t in sl), f'{what}: server lcores {sl}'
assert all(t['conns_opened'] > 0 and t['transactions'] > 0 for t in cl), f'{what}: client lcores {cl}'
# at most one connection per client slot in flight when it stopped
gap = sum(t['conns_opened'] for t in cl) - sum(t['conns_accepted'] for t in sl)
assert 0 <= gap <= c['conns'], f'{what}: accepted {sl} opened {cl}'
# a SYN-ACK lost or sent to the wrong client lcore shows as a SYN
# retransmission that no ARP_PENDING_FULL drop explains
apf = cdrops.get('ARP_PENDING_FULL', 0)
assert synre <= apf, f'{what}: the client retransmitted {synre} SYNs, ARP_PENDING_FULL dropped {apf}'
out = [int(ssn[k]['steered_out']) for k in sorted(ssn, key=int)]
inn = [int(ssn[k]['steered_in']) for k in sorted(ssn, key=int)]
cout = sum(int(v['steered_out']) for v in csn.values())
if '$mode' == 'rss':
    assert sum(out) == 0 and cout == 0, f'{what}: steered: server {out}, client {cout}'
else:
    assert out[0] > 0 and inn[1] > 0, f'{what}: nothing steered: out {out} in {inn}'
print(f'ok: {what}: {c[\"transactions\"]} transactions; server lcores accepted',
      [t['conns_accepted'] for t in sl], 'answered', [t['transactions'] for t in sl],
      '; client lcores opened', [t['conns_opened'] for t in cl], '; steered', out, inn, cout)
"
}

run rss tcp-rr
run rss tcp-crr
run steer tcp-rr
run queues tcp-rr

# SPDX-License-Identifier: BSD-3-Clause
# pollnetd with [services] http_root and the TCP forwarder, against the
# Linux kernel through the tools/peer.sh bridge, on one peer bring-up:
#  - HTTP files (curl): index.html for /, Content-Type by extension, a
#    3 MB file byte-exact (streamed through a 16 KiB buffer), HEAD, 404,
#    403 for "..", %2e%2e, a symlink out of the root and a non-regular
#    file, 405 with Allow, 400, 414, 431, pipelined requests;
#  - the forwarder to a kernel backend in the namespace: connect refused
#    closes the client; 4 MB through an echo backend round-trip byte-exact
#    (sha256); half-close both ways; a client RST resets the backend;
#  - pollnetctl conns (-i, --json) while a connection is open; ports;
#  - pollnetctl capture start/stop around a curl: tcpdump -r shows the
#    handshake and the request; [pollnetd] capture from the start.
. "$(dirname "$0")/pollnetd_lib.sh"

peer=svc$$
root=$PN_TMP/www
mkdir -p "$root/sub" "$root/emptydir"
printf '<h1>pollnet</h1>\n' >"$root/index.html"
printf 'body { }\n' >"$root/sub/a.css"
printf '{"a": 1}\n' >"$root/data.json"
head -c 3000000 /dev/urandom >"$root/big.bin"
echo secret >"$PN_TMP/outside.txt"
ln -s "$PN_TMP/outside.txt" "$root/out.txt"
ln -s index.html "$root/in.html"
mkfifo "$root/fifo"

pn_peer_up "$peer"
ns() { pn_peer_exec "$peer" "$@"; }
pn_pollnetd_start d "$peer" --set "services.http_root=$root" \
	--set services.forward=true --set services.forward_to=198.18.0.1:9000 \
	--set "pollnetd.capture=$PN_TMP/start.pcapng" --set tcp.msl_ms=1000
pn_log_has d "^pollnetd: services: echo on 7 discard on 9 http on 80 forward on 8080 (files below $root) (to 198.18.0.1:9000)" ||
	pn_fail "pollnetd did not report its services: $(cat "$PN_TMP/d.log")"
pn_log_has d '^pollnetd: dpdk-dumpcap cannot attach: no hugepages' ||
	pn_fail "pollnetd did not say why dpdk-dumpcap cannot attach"
url=http://198.18.0.2
pn_wait_for "a first echo reply" 20 ns ping -c 1 -W 1 198.18.0.2 >/dev/null
pn_wait_for "the HTTP server" 10 ns curl -s -m 2 -o /dev/null "$url/"

# --- HTTP files ---
# code PATH [curl options]: the status code
code() { local p=$1; shift; ns curl -s -m 5 -o /dev/null -w '%{http_code}' "$@" "$url$p"; }
expect() { local want=$1 got; shift; got=$(code "$@"); [ "$got" = "$want" ] || pn_fail "GET $*: $got, expected $want"; }
out=$(ns curl -s -m 5 -D "$PN_TMP/h1" "$url/") || pn_fail "curl / failed"
[ "$out" = "<h1>pollnet</h1>" ] || pn_fail "/: '$out'"
grep -qi '^Content-Type: text/html' "$PN_TMP/h1" || pn_fail "/: $(cat "$PN_TMP/h1")"
ns curl -s -m 5 -D "$PN_TMP/h2" -o /dev/null "$url/sub/a.css"
grep -qi '^Content-Type: text/css' "$PN_TMP/h2" || pn_fail "a.css: $(cat "$PN_TMP/h2")"
ns curl -s -m 5 -D "$PN_TMP/h3" -o /dev/null "$url/data.json"
grep -qi '^Content-Type: application/json' "$PN_TMP/h3" || pn_fail "data.json: $(cat "$PN_TMP/h3")"
ns curl -s -m 30 "$url/big.bin" >"$PN_TMP/big.out" || pn_fail "big.bin: curl failed"
cmp -s "$root/big.bin" "$PN_TMP/big.out" ||
	pn_fail "big.bin: $(stat -c %s "$PN_TMP/big.out") bytes, not the 3000000 of the file, or different"
ns curl -s -m 5 -I "$url/big.bin" >"$PN_TMP/head" || pn_fail "HEAD failed"
grep -q '^Content-Length: 3000000' "$PN_TMP/head" || pn_fail "HEAD: $(cat "$PN_TMP/head")"
grep -qi '^Content-Type: application/octet-stream' "$PN_TMP/head" || pn_fail "HEAD: $(cat "$PN_TMP/head")"
expect 200 /in.html
expect 404 /missing.html
expect 404 /emptydir/
expect 403 /out.txt
expect 403 /fifo
expect 403 /../outside.txt --path-as-is
expect 403 /%2e%2e/outside.txt
expect 405 / -X DELETE
ns curl -s -m 5 -X PUT -D "$PN_TMP/h405" -o /dev/null "$url/"
grep -qi '^Allow: GET, HEAD' "$PN_TMP/h405" || pn_fail "405 without Allow: $(cat "$PN_TMP/h405")"
expect 414 "/$(head -c 3000 /dev/zero | tr '\0' a)"
expect 431 / -H "X-Big: $(head -c 5000 /dev/zero | tr '\0' b)"
first=$(printf 'NONSENSE\r\n\r\n' | ns nc -N -w 5 198.18.0.2 80 | head -n 1 | tr -d '\r')
[ "$first" = "HTTP/1.1 400 Bad Request" ] || pn_fail "malformed request: '$first'"
n=$(printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\nHEAD /sub/a.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
	ns nc -N -w 5 198.18.0.2 80 | grep -c '^HTTP/1.1 200 OK')
[ "$n" = 2 ] || pn_fail "pipelined requests: $n responses"

# --- the forwarder ---
# pyclient MODE: a kernel client of the forward port (refused, halfclose)
pyclient() {
	ns python3 -c '
import socket, struct, sys
mode = sys.argv[1]
s = socket.create_connection(("198.18.0.2", 8080), timeout=10)
if mode == "reset":
    s.sendall(b"x")
    assert s.recv(1) == b"x"
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
elif mode == "refused":
    try:
        d = s.recv(100)
        print("eof" if d == b"" else "data")
    except ConnectionResetError:
        print("reset")
else:
    s.sendall(b"half-close test")
    s.shutdown(socket.SHUT_WR)
    got = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        got += d
    print(got.decode())
' "$1"
}
r=$(pyclient refused) || pn_fail "forward with no backend: the client was not closed"
case $r in reset|eof) ;; *) pn_fail "forward with no backend: '$r'" ;; esac
# The backend: echo until EOF, then shut down its sending side.
pn_echo_backend "$peer"
head -c 4000000 /dev/urandom >"$PN_TMP/fwd.in"
ns timeout 60 nc -N 198.18.0.2 8080 <"$PN_TMP/fwd.in" >"$PN_TMP/fwd.out" ||
	pn_fail "forward: nc failed"
[ "$(sha256sum <"$PN_TMP/fwd.in")" = "$(sha256sum <"$PN_TMP/fwd.out")" ] ||
	pn_fail "forward: $(stat -c %s "$PN_TMP/fwd.out") bytes came back, not the 4000000 sent, or different"
r=$(pyclient halfclose) || pn_fail "forward half-close: client failed"
[ "$r" = "half-close test" ] || pn_fail "forward half-close: '$r'"
# a client's RST resets the backend connection
pyclient reset || pn_fail "forward reset: client failed"
pn_wait_for "the backend to see the reset" 10 grep -qs reset "$PN_TMP/backend-$peer.resets"

# --- observability: conns while one connection is open; ports ---
ns bash -c 'sleep 4 | nc 198.18.0.2 9' </dev/null >/dev/null 2>&1 &
PN_PIDS+=("$!")
pn_wait_for "an open discard connection" 10 bash -c \
	"'$PN_SOURCE_DIR/tools/pollnetctl' conns | grep -Eq '^ESTABLISHED +0 +0 +198\.18\.0\.2:9 +198\.18\.0\.1:[0-9]+'"
pn_ctl conns | head -n 1 | grep -Eq '^State +Recv-Q +Send-Q +Local Address:Port +Peer Address:Port' ||
	pn_fail "conns header: $(pn_ctl conns | head -n 1)"
pn_ctl conns -i | grep -Eq 'rtt:[0-9.]+/[0-9.]+ mss:1460 cwnd:[0-9]+ .*retrans:0/0' ||
	pn_fail "conns -i: $(pn_ctl conns -i)"
pn_ctl --json conns | python3 -c '
import json, sys
rows = json.load(sys.stdin)
assert any(r["state"] == "ESTABLISHED" and r["local"] == "198.18.0.2:9" and r["rtt_us"] > 0
           for r in rows), rows' || pn_fail "conns --json"
pn_ctl ports >"$PN_TMP/ports"
grep -q '^port 0 (virtio_user0): driver net_virtio_user, devargs "path='"$PEER_socket"'' "$PN_TMP/ports" &&
	grep -q '^  mac 02:00:00:00:00:02, link UP, mtu 1500, 1 queue pair(s)' "$PN_TMP/ports" &&
	grep -q '^  rx offloads .*tcp_cksum' "$PN_TMP/ports" &&
	grep -q '^  rss off: one queue; rx interrupts on' "$PN_TMP/ports" ||
	pn_fail "ports: $(cat "$PN_TMP/ports")"
pn_ctl --json ports | python3 -c '
import json, sys
p = json.load(sys.stdin)[0]
assert p["driver"] == "net_virtio_user" and p["rss"] == 0 and p["ipackets"] > 0, p' ||
	pn_fail "ports --json"

# --- capture ---
pn_ctl capture stop >/dev/null || pn_fail "capture stop (of [pollnetd] capture) failed"
tcpdump -r "$PN_TMP/start.pcapng" -nn 2>/dev/null | grep -q 'ICMP echo request' ||
	pn_fail "[pollnetd] capture: no ping in the file"
pn_ctl capture start "$PN_TMP/cap.pcapng" | grep -q "^capture running: $PN_TMP/cap.pcapng" ||
	pn_fail "capture start"
ns curl -s -m 5 -o /dev/null "$url/sub/a.css" || pn_fail "curl during the capture"
pn_ctl capture stop >"$PN_TMP/capstop" || pn_fail "capture stop"
grep -Eq '^capture stopped: .*, written [1-9][0-9]*, dropped 0' "$PN_TMP/capstop" ||
	pn_fail "capture stop: $(cat "$PN_TMP/capstop")"
tcpdump -r "$PN_TMP/cap.pcapng" -nn >"$PN_TMP/cap.txt" 2>/dev/null || pn_fail "tcpdump -r failed"
grep -Eq 'IP 198\.18\.0\.1\.[0-9]+ > 198\.18\.0\.2\.80: Flags \[S\]' "$PN_TMP/cap.txt" &&
	grep -Eq 'IP 198\.18\.0\.2\.80 > 198\.18\.0\.1\.[0-9]+: Flags \[S\.\]' "$PN_TMP/cap.txt" &&
	grep -Eq 'HTTP: GET /sub/a.css HTTP/1.1' "$PN_TMP/cap.txt" &&
	grep -Eq '198\.18\.0\.2\.80 > .*HTTP: HTTP/1.1 200 OK' "$PN_TMP/cap.txt" ||
	pn_fail "capture: $(cat "$PN_TMP/cap.txt")"
# the packets are timestamped now, not in 1970 or garbage
grep -q '^\[Error converting time\]' "$PN_TMP/cap.txt" && pn_fail "capture: bad timestamps"
pn_ctl capture stop 2>&1 | grep -q 'no capture is running' || pn_fail "a second stop was not refused"

pn_pollnetd_stop d
pn_echo_backend_stop "$peer"
pn_peer_down "$peer"
drops=$(pn_pollnetd_drops d)
echo "ok: files, forwarder, conns, ports, capture ($(grep -c . "$PN_TMP/cap.txt") packets); drops:${drops:- none}"

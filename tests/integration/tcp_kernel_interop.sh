# SPDX-License-Identifier: BSD-3-Clause
# TCP interop with the Linux kernel through the tools/peer.sh bridge:
# app/examples/tcpblast (pollnet, CPU 0) against tests/integration/
# tcpblast.py (the kernel, in the peer's namespace), both ways, each
# transfer checked by byte count and SHA-256 at both ends:
#   clean:    100 MB kernel -> pollnet, 100 MB pollnet -> kernel
#   impaired: 2% loss + 2% reordering + 0.5% duplication + 0.1% corruption
#             in each direction (seeded), SIZE_IMPAIRED each way (see below),
#             and the bridge's counters show every impairment happened.
#   verified: kernel -> pollnet, the bridge verifying the checksums and
#             handing them on as virtio NEEDS_CSUM (peer.sh --csum-partial),
#             1% corrupted after that: pollnet's GRO sums only what lost the
#             mark (the corrupted frames), finds them bad, and the stream
#             arrives whole.
# Every process has a deadline: a stall fails loudly, it does not hang.
. "$(dirname "$0")/peer_lib.sh"

TCPBLAST=$PN_BUILD_DIR/app/tcpblast
PYBLAST=$(dirname "$0")/tcpblast.py
[ -x "$TCPBLAST" ] || pn_fail "no binary at $TCPBLAST (build first)"

SIZE_CLEAN=${PN_TCP_SIZE_CLEAN:-100000000}
# The impaired runs move 100 MB each way too: with RFC 6675 recovery and
# PRR, D-SACK undo, the reordering window once reordering was seen, and
# tail loss probes (docs/rfc9293.md "Loss recovery") pollnet as the sender
# makes ~8-29 MB/s through these impairments on the 2-CPU VM, with 3-10
# RTOs (14-22 without the one probe in recovery that stands in for RACK)
# (the kernel as sender ~18-28 MB/s), so each direction takes ~3-12 s on a
# quiet VM, up to ~30 s when the 2 CPUs are busy with other work (hence
# the 120 s deadline). PN_TCP_SIZE_IMPAIRED overrides it.
SIZE_IMPAIRED=${PN_TCP_SIZE_IMPAIRED:-100000000}
XFER_TIMEOUT=${PN_TCP_XFER_TIMEOUT:-120}
IMPAIR=loss=2,reorder=2,dup=0.5,corrupt=0.1

# The stream's SHA-256 from the generator itself, to check both ends with.
# tcpblast's own SHA-256 against sha256sum first (several lengths around
# the padding boundary, and the generators of both sides agree).
for n in 0 55 56 64 65 1000003; do
	a=$("$TCPBLAST" gen $n 5 | sha256sum)
	b=$("$TCPBLAST" gen $n 5 | "$TCPBLAST" hash)
	c=$(python3 "$PYBLAST" gen $n 5 | sha256sum)
	[ "$a" = "$b" ] || pn_fail "tcpblast hash of $n bytes: $b, sha256sum: $a"
	[ "$a" = "$c" ] || pn_fail "the C and Python streams differ at $n bytes"
done
echo "ok: tcpblast's SHA-256 and stream match sha256sum and tcpblast.py"

# pn_blast NAME ARGS...: tcpblast on virtio_user to the current bridge,
# output in $PN_TMP/NAME.log, PID in PN_PID_NAME.
pn_blast() {
	local name=$1 prefix="$PN_RUN_ID-tcp-$1" mode=$2
	shift 2
	PN_PREFIXES+=("$prefix")
	"$TCPBLAST" "$mode" "$@" --no-huge -m 512 --no-pci --file-prefix "$prefix" \
		--lcores '0@0,1@0' --log-level=lib.vhost.config:warning \
		--vdev "virtio_user0,path=$PEER_socket,queues=1" -- --addr 198.18.0.2/24 \
		>"$PN_TMP/$name.log" 2>&1 &
	local pid=$!
	PN_PIDS+=("$pid")
	printf -v "PN_PID_$name" '%s' "$pid"
}

# blast_listening NAME: the sink NAME has said it listens (its log may not exist yet).
blast_listening() { grep -q '^tcpblast: listening' "$PN_TMP/$1.log" 2>/dev/null; }

# result LINE: "N HEX MBPS" from a "bytes N sha256 HEX secs T MBps R" line.
result() { awk '$1 == "bytes" { print $2, $4, $8 }' <<<"$1" | tail -n 1; }

# check WHAT SIZE SEED SRC_LINE SINK_LINE
check() {
	local what=$1 size=$2 seed=$3 src sink want
	src=$(result "$4")
	sink=$(result "$5")
	want=$("$TCPBLAST" gen "$size" "$seed" | sha256sum | awk '{ print $1 }')
	[ -n "$src" ] || pn_fail "$what: no result from the source: $4"
	[ -n "$sink" ] || pn_fail "$what: no result from the sink: $5"
	read -r sn sh _ <<<"$src"
	read -r kn kh mbps <<<"$sink"
	[ "$sn" = "$size" ] || pn_fail "$what: source sent $sn bytes, expected $size"
	[ "$kn" = "$size" ] || pn_fail "$what: sink got $kn bytes, expected $size"
	[ "$sh" = "$want" ] || pn_fail "$what: source's SHA-256 $sh, the stream's $want"
	[ "$kh" = "$want" ] || pn_fail "$what: sink's SHA-256 $kh, the stream's $want"
	echo "ok: $what: $size bytes, sha256 ${kh:0:16}..., $mbps MB/s (at the sink)"
}

# kernel -> pollnet: pollnet listens, the kernel connects and sends.
k2p() {
	local what=$1 size=$2 seed=$3 port=$4 name=sink$4 out line
	pn_blast "$name" sink "$port" "$XFER_TIMEOUT"
	pn_wait_for "pollnet to listen on $port" 30 blast_listening "$name"
	out=$(pn_peer_exec "$peer" python3 "$PYBLAST" source 198.18.0.2 "$port" \
		"$size" "$seed" "$XFER_TIMEOUT" 2>&1) || pn_fail "$what: kernel source: $out"
	pn_wait_exit "$name" 15
	line=$(grep '^bytes ' "$PN_TMP/$name.log")
	check "$what" "$size" "$seed" "$out" "$line"
}

# pollnet -> kernel: the kernel listens, pollnet connects and sends.
p2k() {
	local what=$1 size=$2 seed=$3 port=$4 name=source$4 ready kpid rc line
	ready=$PN_TMP/ready$port
	pn_peer_exec "$peer" python3 "$PYBLAST" sink 198.18.0.1 "$port" \
		"$XFER_TIMEOUT" "$ready" >"$PN_TMP/ksink$port.log" 2>&1 &
	kpid=$!
	PN_PIDS+=("$kpid")
	pn_wait_for "the kernel to listen on $port" 30 test -e "$ready"
	pn_blast "$name" source 198.18.0.1 "$port" "$size" "$seed" "$XFER_TIMEOUT"
	pn_wait_exit "$name" $((XFER_TIMEOUT + 15))
	pn_wait_gone "$kpid" 15 || pn_fail "$what: the kernel sink did not finish"
	wait "$kpid"
	rc=$?
	[ $rc = 0 ] || pn_fail "$what: kernel sink exited $rc: $(cat "$PN_TMP/ksink$port.log")"
	line=$(grep '^bytes ' "$PN_TMP/$name.log")
	check "$what" "$size" "$seed" "$line" "$(cat "$PN_TMP/ksink$port.log")"
}

# --- clean ---
peer=tcpc$$
pn_peer_up "$peer"
k2p "kernel->pollnet clean" "$SIZE_CLEAN" 1 5001
p2k "pollnet->kernel clean" "$SIZE_CLEAN" 2 5002
pn_peer_down "$peer"

# --- impaired, both directions ---
peer=tcpi$$
pn_peer_up "$peer" --seed 21 --impair-to-pollnet "$IMPAIR" --impair-to-kernel "$IMPAIR"
k2p "kernel->pollnet impaired" "$SIZE_IMPAIRED" 3 5003
p2k "pollnet->kernel impaired" "$SIZE_IMPAIRED" 4 5004
pn_peer_down "$peer"
pn_json_check "$PN_TMP/$peer/bridge.json" -- '
for i, d in ((0, "to pollnet"), (1, "to the kernel")):
    im = port(j[0], i)["impair"]
    for k in ("lost", "duplicated", "corrupted", "reordered"):
        assert im[k] > 0, f"{d}: nothing {k}: {im}"
    s = " ".join(k + " " + str(im[k]) for k in ("in", "lost", "duplicated", "corrupted", "reordered"))
    print(f"ok: bridge {d}: {s}")'

# --- verified by the bridge (NEEDS_CSUM), then corrupted ---
# The kernel holds the connection open once all is acknowledged, so that
# the sink's GRO counters are read before it exits.
peer=tcpv$$
pn_peer_up "$peer" --csum-partial --seed 23 --impair-to-pollnet corrupt=1
size=20000000
pn_blast sinkv sink 5005 "$XFER_TIMEOUT"
pn_wait_for "pollnet to listen on 5005" 30 blast_listening sinkv
mkfifo "$PN_TMP/hold"
pn_peer_exec "$peer" python3 "$PYBLAST" source-hold 198.18.0.2 5005 "$size" 5 \
	"$XFER_TIMEOUT" <"$PN_TMP/hold" >"$PN_TMP/khold.log" 2>&1 &
kpid=$!
PN_PIDS+=("$kpid")
exec 7>"$PN_TMP/hold"
acked() { grep -q '^acked' "$PN_TMP/khold.log"; }
pn_wait_for "the kernel to have $size bytes acknowledged" "$XFER_TIMEOUT" acked
"$(dirname "$PN_PEER")/pollnetctl" --prefix "$PN_RUN_ID-tcp-sinkv" --json raw \
	/pollnet/gro,0 >"$PN_TMP/gro.json" || pn_fail "pollnetctl /pollnet/gro,0"
echo >&7
exec 7>&-
pn_wait_exit sinkv 15
pn_wait_gone "$kpid" 15 || pn_fail "the kernel source did not finish"
wait "$kpid" || pn_fail "kernel source-hold: $(cat "$PN_TMP/khold.log")"
read -r kn kh _ <<<"$(result "$(grep '^bytes ' "$PN_TMP/sinkv.log")")"
want=$("$TCPBLAST" gen "$size" 5 | sha256sum | awk '{ print $1 }')
[ "${kn:-}" = "$size" ] && [ "${kh:-}" = "$want" ] ||
	pn_fail "verified: the sink got ${kn:-nothing} bytes sha256 ${kh:-?}, want $size $want"
echo "ok: kernel->pollnet verified by the bridge, 1% corrupted: $size bytes, sha256 ${kh:0:16}..."
pn_peer_down "$peer"
pn_json_check "$PN_TMP/gro.json" "$PN_TMP/$peer/bridge.json" -- '
g, br = j
im = port(br, 0)["impair"]
segs, sw, bad, cor, tin = (g["held"] + g["merged"], g["csum_sw"], g["csum_bad"],
                           im["corrupted"], im["in"])
assert cor > 0, f"the bridge corrupted nothing: {im}"
assert sw > 0 and bad > 0, f"GRO summed or refused nothing: {g}"
# only a frame that lost the mark is summed: a corrupted one
assert sw <= cor, f"GRO summed {sw} checksums of {segs} segments, {cor} frames corrupted"
print(f"ok: GRO summed {sw} checksums of {segs} segments ({bad} bad); "
      f"the bridge corrupted {cor} of {tin}")'

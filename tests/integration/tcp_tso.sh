# SPDX-License-Identifier: BSD-3-Clause
# TSO between two pollnet processes over vhost-user: app/examples/tcpblast
# on virtio_user (negotiates HOST_TSO4 against net_vhost tso=1, so its TCP
# sends segments of up to 64 KB that the vhost side receives whole, marked
# LRO) and on net_vhost (22.11's net_vhost offers no TSO through ethdev,
# the vhost library does it for a guest that negotiated GUEST_TSO4:
# drivers/vhost.c follows the guest; the virtio side takes the segments
# whole with LRO negotiated). Each transfer is checked
# by byte count and SHA-256 at both ends against the generator; then the
# same with --no-tso --no-lro on both sides (the per-MSS path).
. "$(dirname "$0")/lib.sh"

TCPBLAST=$PN_BUILD_DIR/app/tcpblast
[ -x "$TCPBLAST" ] || pn_fail "no binary at $TCPBLAST (build first)"
SIZE=${PN_TSO_SIZE:-50000000}
SEED=7
XFER_TIMEOUT=60
WANT=$("$TCPBLAST" gen "$SIZE" $SEED | sha256sum | cut -d' ' -f1)

# blast NAME CPU VDEV MODE ARGS... -- POLLNET_OPTS...: tcpblast in the
# background, output in $PN_TMP/NAME.log, PID in PN_PID_NAME.
blast() {
	local name=$1 cpu=$2 vdev=$3 prefix="$PN_RUN_ID-$1"
	shift 3
	local args=()
	while [ "$1" != "--" ]; do args+=("$1"); shift; done
	shift
	PN_PREFIXES+=("$prefix")
	# SIGPIPE ignored (inherited through exec): virtio_user in server
	# mode sends vhost-user messages when it closes, after a peer that
	# has gone already; EPIPE is harmless there, the signal is not
	(trap '' PIPE; exec "$TCPBLAST" "${args[@]}" "${PN_EAL_COMMON[@]}" \
		--file-prefix "$prefix" --lcores "0@$cpu" --vdev "$vdev" -- "$@") \
		>"$PN_TMP/$name.log" 2>&1 &
	local pid=$!
	PN_PIDS+=("$pid")
	printf -v "PN_PID_$name" '%s' "$pid"
}

# listening NAME: the sink NAME has said so (its log may not exist yet).
listening() { grep -q '^tcpblast: listening' "$PN_TMP/$1.log" 2>/dev/null; }

# check NAME: its "bytes N sha256 HEX" line is the whole stream.
check() {
	local got
	got=$(awk '$1 == "bytes" { print $2, $4 }' "$PN_TMP/$1.log" | tail -n 1)
	[ "$got" = "$SIZE $WANT" ] ||
		pn_fail "$1: got '${got:-nothing}', expected '$SIZE $WANT'"
}

# run TAG SENDER_SIDE OPTS...: one transfer; SENDER_SIDE virtio or vhost.
run() {
	local tag=$1 side=$2 sock
	shift 2
	sock=$(pn_vhost_sock "$tag")
	if [ "$side" = virtio ]; then
		# the sink on net_vhost (server socket), the source on virtio_user
		blast "${tag}_sink" 1 "net_vhost0,iface=$sock,queues=1,tso=1" \
			sink 5000 $XFER_TIMEOUT -- --addr 198.18.0.1/24 "$@"
		pn_wait_for "$tag sink" 30 listening "${tag}_sink"
		blast "${tag}_src" 0 "virtio_user0,path=$sock,queues=1" \
			source 198.18.0.1 5000 "$SIZE" $SEED $XFER_TIMEOUT -- \
			--addr 198.18.0.2/24 "$@"
	else
		# virtio_user listens (server=1), net_vhost connects (client=1);
		# the sink's probe waits for it, so it listens only after: the
		# source's first ARP goes before the link is up and is lost, the
		# next one (1 s later) finds the sink listening
		blast "${tag}_sink" 0 "virtio_user0,path=$sock,queues=1,server=1" \
			sink 5000 $XFER_TIMEOUT -- --addr 198.18.0.2/24 "$@"
		pn_wait_for "$tag socket" 30 test -S "$sock"
		blast "${tag}_src" 1 "net_vhost0,iface=$sock,queues=1,client=1,tso=1" \
			source 198.18.0.2 5000 "$SIZE" $SEED $XFER_TIMEOUT -- \
			--addr 198.18.0.1/24 "$@"
	fi
	pn_wait_exit "${tag}_src" $((XFER_TIMEOUT + 10))
	pn_wait_exit "${tag}_sink" $((XFER_TIMEOUT + 10))
	check "${tag}_src"
	check "${tag}_sink"
}

run tso_c2v virtio
pn_log_has tso_c2v_src "TCP segmentation offloaded (TSO)" ||
	pn_fail "virtio_user against net_vhost tso=1 did not negotiate TSO"
pn_log_has tso_c2v_sink "offloaded (TSO) while the guest negotiates GUEST_TSO4" ||
	pn_fail "net_vhost does not follow the guest's TSO"
echo "ok: $SIZE bytes virtio_user (TSO) -> net_vhost, SHA-256 matches"

run tso_v2c vhost
pn_log_has tso_v2c_sink "large receive on (LRO)" ||
	pn_fail "virtio_user did not negotiate LRO (GUEST_TSO4/6)"
pn_log_has tso_v2c_src "guest negotiated GUEST_TSO4: TSO toward it on" ||
	pn_fail "net_vhost did not turn TSO on toward a GUEST_TSO4 guest"
echo "ok: $SIZE bytes net_vhost (TSO) -> virtio_user (LRO), SHA-256 matches"

run mss_c2v virtio --no-tso --no-lro
pn_log_has mss_c2v_src "TCP segmentation in software, large receive off" ||
	pn_fail "--no-tso --no-lro: still offloaded"
echo "ok: $SIZE bytes virtio_user -> net_vhost with --no-tso --no-lro"

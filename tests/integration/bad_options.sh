# SPDX-License-Identifier: BSD-3-Clause
# Every bad option value ends pollnet-bench with exit code 2 and one line
# naming the option (and, for numbers, the accepted range).
. "$(dirname "$0")/lib.sh"

# expect_bad 'OPTION' 'what the message must contain' [EAL args...]
expect_bad() {
	local opt=$1 want=$2 out rc
	shift 2
	out=$("$PN_BENCH" "$@" -- $opt 2>&1 >/dev/null)
	rc=$?
	[ "$rc" = 2 ] || pn_fail "'$opt': exit code $rc, expected 2 ($out)"
	grep -qF -- "$want" <<<"$out" || pn_fail "'$opt': message '$out' lacks '$want'"
	echo "ok: $opt -> $out"
}

expect_bad --forward-mode=bogus '--forward-mode=bogus: must be one of io|macswap|rxonly|txonly|flowgen'
expect_bad --txpkts=59 '--txpkts=59: must be an integer in 60..9000'
expect_bad --txpkts=9001 '--txpkts=9001: must be an integer in 60..9000'
expect_bad --burst=0 '--burst=0: must be an integer in 1..512'
expect_bad --burst=513 '--burst=513: must be an integer in 1..512'
expect_bad --burst=12x '--burst=12x: must be an integer in 1..512'
expect_bad --duration=-1 '--duration=-1: must be an integer'
expect_bad --stats-period=abc '--stats-period=abc: must be an integer'
expect_bad --rxq=0 '--rxq=0: must be an integer in 1..64'
expect_bad --txq=65 '--txq=65: must be an integer in 1..64'
expect_bad --flows=0 '--flows=0: must be an integer in 1..65536'
expect_bad --flow-proto=sctp '--flow-proto=sctp: must be udp or tcp'
expect_bad --eth-peer=02:00:00 '--eth-peer=02:00:00: expected a MAC address'
expect_bad --ip=198.18.0.1 '--ip=198.18.0.1: expected SRC,DST'
expect_bad --ip=203.0.113.1,198.19.0.1 '--ip: 203.0.113.1 is outside 198.18.0.0/15'
expect_bad --ip=198.18.0.1,8.8.8.8 '--ip: 8.8.8.8 is outside 198.18.0.0/15'
expect_bad --napi-weight=1000 '--napi-weight=1000: must be an integer in 1..512'
expect_bad --budget=0 '--budget=0: must be an integer in 1..65536'
expect_bad --time-limit-us=0 '--time-limit-us=0: must be an integer in 1..1000000'
expect_bad --busy-poll-us=10000001 '--busy-poll-us=10000001: must be an integer in 0..10000000'
expect_bad --busy-poll-max-us=10000001 '--busy-poll-max-us=10000001: must be an integer in 0..10000000'
expect_bad --tx-delay=x '--tx-delay=x: must be an integer'
expect_bad --tx-retries=1001 '--tx-retries=1001: must be an integer in 0..1000'
expect_bad --burst '--burst needs a value'
expect_bad --tx-rss=1 '--tx-rss takes no value'
expect_bad '--forward-mode=macswap --csum-partial' '--csum-partial: --forward-mode=io with offloads only'
expect_bad '--csum-partial --no-offloads' '--csum-partial: --forward-mode=io with offloads only'
expect_bad --no-such-option 'unknown option --no-such-option'
expect_bad --json= '--json: expected a file name'

# Needs EAL: one lcore only, like testpmd, is refused by name.
prefix="$PN_RUN_ID-onelcore"
PN_PREFIXES+=("$prefix")
expect_bad --forward-mode=rxonly 'needs at least 2 lcores' \
	"${PN_EAL_COMMON[@]}" --file-prefix "$prefix" --lcores 0@0

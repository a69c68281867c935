#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The test command: install what is missing, build, run every suite, then
# run the unit, scenario and fuzz suites again under ASan+UBSan (and the
# libFuzzer targets with clang). Ends with "N passed, N failed".
#
#   tools/test.sh                 everything
#   tools/test.sh --suite unit    one suite, plain build only
#   PN_TEST_NO_SAN=1 tools/test.sh   skip the sanitizer builds
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
suite=()
if [ "${1:-}" = "--suite" ] && [ -n "${2:-}" ]; then
	suite=(--suite "$2")
	PN_TEST_NO_SAN=1
fi

bash tools/deps.sh || exit 1

logs=()
fail_setup=0

# build DIR [meson options...]: configure once, then build.
build() {
	local dir=$1; shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 ||
			{ cat "$dir.setup.log"; return 1; }
	fi
	ninja -C "$dir" >"$dir.ninja.log" 2>&1 ||
		{ tail -50 "$dir.ninja.log"; return 1; }
}

# run DIR LABEL [meson test args...]
run() {
	local dir=$1 label=$2; shift 2
	echo "== $label: meson test $*"
	meson test -C "$dir" --print-errorlogs "$@" | grep -vE '^(ninja|Ok:|Expected Fail:|Fail:|Unexpected Pass:|Skipped:|Timeout:|Full log)'
	logs+=("$dir/meson-logs/testlog.json")
}

if build build; then
	run build plain "${suite[@]}"
else
	echo "pollnet: build failed"; fail_setup=1
	logs+=("build (build failed)")  # counted as a failure
fi

if [ -z "${PN_TEST_NO_SAN:-}" ]; then
	if build build-san -Db_sanitize=address,undefined -Db_lundef=false \
	     -Dc_args=-fno-sanitize-recover=all; then
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		LSAN_OPTIONS=suppressions=$top/tests/lsan.supp \
			run build-san asan+ubsan --suite unit --suite scenario --suite fuzz
	else
		echo "pollnet: sanitizer build failed"; fail_setup=1
		logs+=("build-san (build failed)")  # counted as a failure
	fi
	if CC=clang build build-fuzz -Dfuzz=enabled; then
		run build-fuzz libfuzzer --suite fuzz
	else
		echo "pollnet: clang fuzz build failed"; fail_setup=1
		logs+=("build-fuzz (build failed)")  # counted as a failure
	fi
fi

python3 tools/testcount.py "${logs[@]}"
rc=$?
[ $fail_setup -eq 0 ] || rc=1
exit $rc

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The main job on its built-in default: install what is missing, build,
# then run pollnetd on its built-in default serving the Linux kernel
# (tools/pollnetd-demo.sh: the kernel peer in a namespace pings it, curls
# its HTTP service, talks to its echo service; pollnetctl shows its state).
# No hugepages, no PCI device needed. tools/l2-demo.sh is the L2 demo.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash tools/deps.sh
if [ ! -f build/build.ninja ]; then
	meson setup build >build.setup.log 2>&1 ||
		{ tail -20 build.setup.log; echo "pollnet: meson setup failed (build.setup.log)" >&2; exit 1; }
fi
ninja -C build >build.ninja.log 2>&1 ||
	{ tail -40 build.ninja.log; echo "pollnet: build failed (build.ninja.log)" >&2; exit 1; }
exec tools/pollnetd-demo.sh build "$@"

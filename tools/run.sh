#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The main job on its built-in default: install what is missing, build,
# then run it. For now that is the L2 demo (tools/l2-demo.sh): two
# pollnet-bench processes over virtio_user <-> vhost-user, showing packets
# flowing and the NAPI counters. No hugepages, no PCI device needed.
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
exec tools/l2-demo.sh build "$@"

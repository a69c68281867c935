#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install what pollnet needs to build and test on Debian 12 (run as root).
# Does nothing when everything is already there.
#
#   tools/deps.sh           what the build and every test need
#   tools/deps.sh --bench   also what tools/bench-*.py compare against
#                           (nginx, matplotlib for the plots)
set -euo pipefail

pkgs=(dpdk dpdk-dev libdpdk-dev libnuma-dev libcmocka-dev meson ninja-build
      pkg-config gcc clang libclang-rt-14-dev python3 iproute2 procps
      iputils-ping iputils-arping netcat-openbsd curl wrk apache2-utils tcpdump
      ethtool)
if [ "${1:-}" = "--bench" ]; then
	pkgs+=(nginx-light python3-matplotlib)
fi

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "pollnet: missing packages: ${missing[*]} (run as root to install)" >&2
	exit 1
fi
echo "pollnet: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"

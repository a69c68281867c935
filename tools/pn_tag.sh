# SPDX-License-Identifier: BSD-3-Clause
# PN_TAG (sourced, not run): one optional word that every script and tool
# puts into what it names on the machine (EAL --file-prefix, vhost-user
# socket paths and run directories, network namespaces, interfaces), so
# two runs on one machine (two engineers, two CI jobs, other PID
# namespaces) never share a name. Unset or empty: the names are as
# without it. The same rule in Python: tools/pntag.py.
#
#   PN_TAG=ci1 tools/peer.sh up --name x   # namespace pn-x-ci1
#
# 1..8 characters of a-z 0-9: the longest interface name a tool makes
# (tools/bench-ping.sh's pnbpa-<TAG>, 14) stays within IFNAMSIZ - 1 = 15.

PN_TAG_MAX=8

# pn_tag_check: 0 if PN_TAG is unset, empty or valid; else one line on
# stderr naming the variable, and 2.
pn_tag_check() {
	[ -z "${PN_TAG:-}" ] && return 0
	[[ $PN_TAG =~ ^[a-z0-9]{1,8}$ ]] && return 0
	echo "PN_TAG='$PN_TAG': must be 1..$PN_TAG_MAX characters of a-z 0-9" \
		"(it goes into file prefixes, socket paths, namespace and interface names)" >&2
	return 2
}

# pn_tagged WORD: WORD, then -PN_TAG when set.
pn_tagged() { echo "$1${PN_TAG:+-$PN_TAG}"; }

# The one line the tools' usage texts show.
PN_TAG_HELP="environment: PN_TAG=T (1..$PN_TAG_MAX of a-z 0-9) puts -T into every file prefix, socket path, namespace and interface name made"

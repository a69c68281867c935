# SPDX-License-Identifier: BSD-3-Clause
"""PN_TAG for the Python tools: the same rule as tools/pn_tag.sh.

One optional word that the tools put into what they name on the machine
(EAL --file-prefix, vhost-user socket directories, network namespaces),
so that two runs on one machine never share a name. Unset or empty: the
names are as without it.
"""
import os
import re
import sys

MAX = 8
HELP = (f"environment: PN_TAG=T (1..{MAX} of a-z 0-9) puts -T into every "
        "file prefix, socket path, namespace and interface name made")


def tag():
    """PN_TAG, '' when unset; a bad one ends the tool with one line."""
    t = os.environ.get("PN_TAG", "")
    if t and not re.fullmatch(f"[a-z0-9]{{1,{MAX}}}", t):
        sys.exit(f"PN_TAG='{t}': must be 1..{MAX} characters of a-z 0-9 "
                 "(it goes into file prefixes, socket paths, namespace and "
                 "interface names)")
    return t


def tagged(word):
    """word, then -PN_TAG when set."""
    t = tag()
    return f"{word}-{t}" if t else word

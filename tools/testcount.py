#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Count test cases over meson testlog.json files and print 'N passed, N failed'.

A TAP test (cmocka with CMOCKA_MESSAGE_OUTPUT=TAP) counts each 'ok' and
'not ok' line; a TAP test that crashed before finishing its plan counts the
missing cases as failed. Any other test counts as one case by its result.
"""
import json
import re
import sys

OK = ("OK", "EXPECTEDFAIL")


def count(path):
    passed = failed = 0
    failures = []
    try:
        lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    except OSError:
        return 0, 1, [path + ": no test log (suite did not run)"]
    for line in lines:
        t = json.loads(line)
        res = t.get("result", "")
        out = t.get("stdout", "") or ""
        name = t.get("name", "?")
        if res == "SKIP":
            continue
        if t.get("protocol") == "tap" or re.search(r"^1\.\.\d+", out, re.M):
            ok = len(re.findall(r"^ok \d+", out, re.M))
            nok = len(re.findall(r"^not ok \d+", out, re.M))
            plan = re.search(r"^1\.\.(\d+)", out, re.M)
            missing = max(0, int(plan.group(1)) - ok - nok) if plan else 0
            if res not in OK and nok == 0 and missing == 0:
                nok = 1  # crashed or exited non-zero after its plan
            passed += ok
            failed += nok + missing
            if nok or missing:
                failures.append(f"{path.split('/')[0]}: {name}")
        elif res in OK:
            passed += 1
        else:
            failed += 1
            failures.append(f"{path.split('/')[0]}: {name} ({res})")
    return passed, failed, failures


def main(paths):
    tp = tf = 0
    allf = []
    for p in paths:
        p_, f_, fl = count(p)
        tp += p_
        tf += f_
        allf += fl
    for f in allf:
        print("FAILED:", f)
    print(f"{tp} passed, {tf} failed")
    return 0 if tf == 0 and tp > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

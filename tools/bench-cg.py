#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Instructions per packet, pollnet-bench against dpdk-testpmd.

Wall-clock packet rates on a shared 2-CPU VM drift by +-10-30 % within
minutes; instruction counts do not. This runs each forwarding engine of
both tools under `valgrind --tool=callgrind` on DPDK's net_null PMD (no
peer process: the device hands out and swallows packets), takes the
forwarding thread's instruction count (the thread with the most) and
divides it by the packets that thread forwarded. The PMD's own cost is the
same for both, so the difference is the forwarding loop's.

    tools/bench-cg.py [--build build] [--modes rxonly,txonly,macswap]
                      [--seconds 12] [--json out.json]

Prints one table row per engine: Ir/packet of each tool, their ratio, and
the functions of pollnet-bench's thread costing more than 1 Ir/packet.

    tools/bench-cg.py --tcp rr,crr [--build build] [--seconds 20]
                      [--rr-conns 256] [--crr-conns 16] [--keep DIR]
                      [--side server|client]

TCP instead (issues 4 and 7): a pollnet-bench tcp-rr (64-byte request and
response) or tcp-crr (connect, request, response, close with RST) server
runs under callgrind on net_vhost, a native pollnet-bench client drives it
over virtio_user (the server is the bottleneck, so it never idles). Only
the event loop is counted (pn_run, inclusive), so the process's start-up
and tear-down are not charged; Ir per transaction = the server loop's Ir /
the transactions it served (the client runs without warm-up). Prints
Ir/transaction, the device bursts' share (rte_eth_rx_burst and
rte_eth_tx_burst, per transaction and per packet) and the functions
costing >= 1 Ir/transaction (self cost, whole process). --keep DIR keeps
the callgrind files for callgrind_annotate. --side client profiles the
client instead (the server runs natively). Valgrind runs with
--fair-sched=yes (see VALGRIND_CG); a client that does not come up within
120 s (300 s under callgrind) stops the run with a message naming its log.

    tools/bench-cg.py --tcp stream-c2s,stream-s2c [--side server|client]

One tcp-stream connection (64 KiB writes) instead: Ir per KiB of the data
direction's port bytes (the profiled side's ethdev ibytes or obytes over
the whole run, as the counts are). --vhost-args A appends A to the
server's net_vhost devargs (tso=1: the guest may send TSO segments),
--virtio-args A to the client's virtio_user devargs (in_order=0,
packed_vq=1, mrg_rxbuf=0, queue_size=N, ...). PN_TAG=T puts T in the
DPDK file prefixes, so runs of several people do not meet.
"""
import argparse
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import pntag

# rxonly/macswap read packets from net_null; txonly must not (testpmd's
# txonly never polls RX, pollnet-bench drains it): no-rx=1 there.
NULL_ARGS = {"txonly": ",no-rx=1"}


def worker_ir(prefix):
    """Instruction count of the busiest thread among callgrind's outputs."""
    best, best_file = 0, None
    for f in glob.glob(prefix + "*"):
        with open(f) as fh:
            for line in fh:
                if line.startswith("summary:") or line.startswith("totals:"):
                    n = int(line.split()[1])
                    if n > best:
                        best, best_file = n, f
                    break
    return best, best_file


def inclusive(cgfile):
    """Inclusive Ir per function name."""
    out = subprocess.run(["callgrind_annotate", "--auto=no", "--inclusive=yes",
                          "--threshold=100", cgfile],
                         capture_output=True, text=True).stdout
    incl = {}
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+) \([\s\d.]+%\)\s+(\S+)", line)
        if m:
            name = m.group(2).split(":")[-1]
            incl.setdefault(name, int(m.group(1).replace(",", "")))
    return incl


def loop_ir(cgfile):
    """Inclusive Ir of the event loop (pn_run: the run without the
    process's start-up and tear-down: EAL, pools, the guest's negotiation;
    rte_free zeroes what it frees) and of the device's burst calls
    (rte_eth_rx_burst: rxq_poll less the stack's pn_lcore_rx; TX:
    lcore_dev_tx_burst)."""
    incl = inclusive(cgfile)
    if "pn_run" not in incl:
        sys.exit("bench-cg: no pn_run in %s" % cgfile)
    return incl["pn_run"], {
        "rx_burst": incl.get("rxq_poll", 0) - incl.get("pn_lcore_rx", 0),
        "tx_burst": incl.get("lcore_dev_tx_burst", 0)}


def top_functions(cgfile, packets, limit=12):
    out = subprocess.run(["callgrind_annotate", "--auto=no", "--threshold=100", cgfile],
                         capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+) \([\s\d.]+%\)\s+(\S+)", line)
        if not m or "PROGRAM TOTALS" in line:
            continue
        ir = int(m.group(1).replace(",", ""))
        name = m.group(2).split(":")[-1]
        if ir / packets >= 1.0:
            rows.append((name, ir / packets))
    return rows[:limit]


def run_pollnet(build, mode, seconds, tmp):
    prefix = os.path.join(tmp, "pn-%s.cg" % mode)
    js = os.path.join(tmp, "pn-%s.json" % mode)
    cmd = ["valgrind", "--tool=callgrind", "--separate-threads=yes",
           "--callgrind-out-file=%s.%%p" % prefix,
           os.path.join(build, "app", "pollnet-bench"),
           "--no-pci", "--no-huge", "-m", "256", "--file-prefix", pntag.tagged("pn-cg-pollnet"),
           "--lcores", "0@0,1@1",
           "--vdev", "net_null0" + NULL_ARGS.get(mode, ""), "--",
           "--forward-mode=" + mode, "--duration=%d" % seconds,
           "--stats-period=0", "--quiet", "--json=" + js]
    subprocess.run(cmd, capture_output=True, timeout=seconds * 10 + 60)
    with open(js) as fh:
        port = json.load(fh)["ports"][0]
    packets = port["tx_packets"] if mode == "txonly" else port["rx_packets"]
    ir, f = worker_ir(prefix + ".")
    return ir, packets, f


def run_testpmd(mode, seconds, tmp):
    prefix = os.path.join(tmp, "tp-%s.cg" % mode)
    cmd = ["valgrind", "--tool=callgrind", "--separate-threads=yes",
           "--callgrind-out-file=%s.%%p" % prefix, "dpdk-testpmd",
           "--no-pci", "--no-huge", "-m", "512", "--file-prefix", pntag.tagged("pn-cg-testpmd"),
           "--lcores", "0@0,1@1",
           "--vdev", "net_null0" + NULL_ARGS.get(mode, ""), "--",
           "--forward-mode=" + mode, "--stats-period=5",
           "--total-num-mbufs=8192"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, text=True)
    try:
        out, _ = p.communicate(timeout=seconds + 15)
    except subprocess.TimeoutExpired:
        p.send_signal(2)  # SIGINT: testpmd prints its totals and exits
        out, _ = p.communicate(timeout=120)
    key = "TX-packets" if mode == "txonly" else "RX-packets"
    counts = [int(x) for x in re.findall(key + r":\s+(\d+)", out)]
    ir, f = worker_ir(prefix + ".")
    return ir, (counts[-1] if counts else 0), f


TCP_EAL = ["--no-huge", "-m", "512", "--no-pci",
           "--log-level=lib.vhost.config:warning",
           "--log-level=pmd.net.virtio.*:error",
           "--log-level=pmd.net.vhost:warning"]

# Valgrind runs one thread at a time under its big lock. Its default lock
# (a pipe) is not fair: a thread that never blocks (the busy-polling
# lcore) takes it back at the end of each time slice before a woken
# thread can, so the vhost-user thread of net_vhost waited seconds per
# message of the guest's negotiation, sometimes past the client's
# timeout (the "never negotiates" hang). The ticket lock hands it over in
# turn. Counts do not depend on it.
VALGRIND_CG = ["valgrind", "--tool=callgrind", "--separate-threads=yes",
               "--fair-sched=yes"]
RUNNING = "pollnet-bench: running"  # once its ports are up (negotiated)


def wait_log(path, text, proc, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            return False
        with open(path, errors="replace") as fh:
            if text in fh.read():
                return True
        time.sleep(0.2)
    return False


def stop(proc, sig=signal.SIGTERM, wait=180):
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        proc.wait(wait)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def stream_bytes(js, case, side):
    """Port bytes the data direction moved on this side (whole run)."""
    sends = (side == "client") == (case == "stream-c2s")
    return sum(p["obytes" if sends else "ibytes"] for p in js["ports"])


def run_tcp(build, case, seconds, conns, tmp, side="server",
            vhost_args="", virtio_args=""):
    """Ir/transaction of a pollnet-bench tcp-rr/tcp-crr server (or, with
    side="client", of its client); for stream-c2s/stream-s2c, Ir and the
    data bytes."""
    bench = os.path.join(os.path.abspath(build), "app", "pollnet-bench")
    sock = os.path.join(tmp, "cg-%s.sock" % case)
    who = "srv" if side == "server" else "cli"
    prefix = os.path.join(tmp, "%s-%s.cg" % (who, case))
    sjs = os.path.join(tmp, "srv-%s.json" % case)
    cjs = os.path.join(tmp, "cli-%s.json" % case)
    slog = os.path.join(tmp, "srv-%s.log" % case)
    clog = os.path.join(tmp, "cli-%s.log" % case)
    if case.startswith("stream-"):
        eng = ["--engine", "tcp-stream", "--direction", case[7:]]
        conns = 1
    else:
        eng = ["--engine", "tcp-" + case, "--req-size", "64",
               "--resp-size", "64"]
    pid = os.getpid()
    pre = pntag.tagged("pn-cg-rrperf")
    cg = VALGRIND_CG + ["--callgrind-out-file=%s.%%p" % prefix]
    scmd = [bench] + TCP_EAL + [
            "--file-prefix", "%s-s%d" % (pre, pid), "--lcores", "0@0",
            "--vdev", "net_vhost0,iface=%s,queues=1%s" % (
                sock, "," + vhost_args if vhost_args else ""), "--",
            "--addr", "198.18.0.1/24", "--role", "server", "--port", "5001",
            "--stats-period", "0", "--json", sjs] + eng
    ccmd = [bench] + TCP_EAL + [
            "--file-prefix", "%s-c%d" % (pre, pid), "--lcores", "0@1",
            "--vdev", "virtio_user0,path=%s,queues=1%s" % (
                sock, "," + virtio_args if virtio_args else ""), "--",
            "--addr", "198.18.0.2/24", "--connect", "198.18.0.1:5001",
            "--conns", str(conns), "--duration", str(seconds),
            "--warmup", "0",
            "--stats-period", "0", "--json", cjs] + eng
    if case == "crr":
        # Under callgrind the server misses RX wake-ups from its sleep
        # (served ~25 connections/s): it polls instead.
        ccmd.append("--linger0")
        if side == "server":
            scmd.append("--busy-poll")
    if side == "server":
        scmd = cg + scmd
    else:
        ccmd = cg + ccmd
    for old in glob.glob(prefix + ".*") + [sock]:
        if os.path.exists(old):
            os.remove(old)
    with open(slog, "w") as fh:
        srv = subprocess.Popen(scmd, stdout=fh, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL)
    cli = None
    try:
        if not wait_log(slog, RUNNING, srv, 300):
            sys.exit("bench-cg: %s server did not start; see %s" % (case, slog))
        with open(clog, "w") as fh:
            cli = subprocess.Popen(ccmd, stdout=fh, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
        if not wait_log(clog, RUNNING, cli, 300 if side == "client" else 120):
            sys.exit("bench-cg: %s: the virtio_user client did not come up "
                     "(negotiation with net_vhost); see %s and %s"
                     % (case, clog, slog))
        try:
            cli.wait(seconds + 300)
        except subprocess.TimeoutExpired:
            sys.exit("bench-cg: %s client still running %d s after its "
                     "duration; see %s" % (case, 300, clog))
    finally:
        if cli is not None:
            stop(cli, signal.SIGKILL, 60)
        stop(srv)
    with open(sjs if side == "server" else cjs) as fh:
        js = json.load(fh)
    tx = stream_bytes(js, case, side) / 1024 if case.startswith("stream-") \
        else js["transactions"]
    _, f = worker_ir(prefix + ".")
    ir, drv = loop_ir(f)
    drv["ipackets"] = sum(p["ipackets"] for p in js["ports"])
    drv["opackets"] = sum(p["opackets"] for p in js["ports"])
    return ir, tx, f, drv


def main_tcp(a):
    results = []
    tmp = a.keep or tempfile.mkdtemp(prefix=pntag.tagged("pn-cg-tcp") + "-")
    os.makedirs(tmp, exist_ok=True)
    try:
        print("| case | conns | transactions | %s Ir/transaction (loop) "
              "| of which rx_burst / tx_burst | rx_burst / tx_burst per "
              "packet |" % a.side)
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for case in a.tcp.split(","):
            conns = 1 if case.startswith("stream-") else \
                a.rr_conns if case == "rr" else a.crr_conns
            ir, tx, f, drv = run_tcp(a.build, case, a.seconds, conns, tmp, a.side,
                                a.vhost_args, a.virtio_args)
            if not tx:
                sys.exit("bench-cg: tcp-%s: no transactions served" % case)
            r = {"engine": "tcp-" + case, "side": a.side, "conns": conns,
                 "transactions": tx,
                 "ir_per_transaction": ir / tx,
                 "rx_burst": drv["rx_burst"] / tx,
                 "tx_burst": drv["tx_burst"] / tx,
                 "rx_burst_per_packet": drv["rx_burst"] / max(drv["ipackets"], 1),
                 "tx_burst_per_packet": drv["tx_burst"] / max(drv["opackets"], 1),
                 "ipackets": drv["ipackets"], "opackets": drv["opackets"],
                 "top": top_functions(f, tx, 40)}
            results.append(r)
            print("| tcp-%s | %d | %d%s | %.0f%s | %.0f / %.0f | %.0f / %.0f |" % (
                case, conns, tx, " KiB" if case.startswith("stream") else "",
                ir / tx, " per KiB" if case.startswith("stream") else "",
                r["rx_burst"], r["tx_burst"], r["rx_burst_per_packet"],
                r["tx_burst_per_packet"]), flush=True)
        for r in results:
            print("\npollnet-bench %s %s, Ir/transaction by function:"
                  % (r["engine"], r["side"]))
            for name, v in r["top"]:
                print("  %7.1f  %s" % (v, name))
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(results, fh, indent=1)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, epilog=pntag.HELP,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--modes", default="rxonly,txonly,macswap")
    ap.add_argument("--seconds", type=int, default=12)
    ap.add_argument("--json")
    ap.add_argument("--tcp", help="rr,crr,stream-c2s,stream-s2c: profile a "
                    "TCP server instead")
    ap.add_argument("--rr-conns", type=int, default=256)
    ap.add_argument("--crr-conns", type=int, default=16)
    ap.add_argument("--keep", help="tcp: keep the callgrind files in this dir")
    ap.add_argument("--side", choices=("server", "client"), default="server",
                    help="tcp: which one runs under callgrind (the other natively)")
    ap.add_argument("--vhost-args", default="",
                    help="tcp: more net_vhost devargs for the server (tso=1)")
    ap.add_argument("--virtio-args", default="",
                    help="tcp: more virtio_user devargs for the client "
                    "(in_order=0, packed_vq=1, queue_size=1024, ...)")
    a = ap.parse_args()
    pntag.tag()
    if a.tcp:
        for tool in ("valgrind", "callgrind_annotate", "callgrind_control"):
            if not shutil.which(tool):
                sys.exit("bench-cg: %s not found (apt-get install valgrind)" % tool)
        return main_tcp(a)
    for tool in ("valgrind", "callgrind_annotate", "dpdk-testpmd"):
        if not shutil.which(tool):
            sys.exit("bench-cg: %s not found (apt-get install valgrind dpdk)" % tool)
    results = []
    with tempfile.TemporaryDirectory(prefix=pntag.tagged("pn-cg") + "-") as tmp:
        print("| engine | testpmd Ir/pkt | pollnet-bench Ir/pkt | pollnet/testpmd |")
        print("| --- | ---: | ---: | ---: |")
        for mode in a.modes.split(","):
            pir, ppk, pfile = run_pollnet(a.build, mode, a.seconds, tmp)
            tir, tpk, _ = run_testpmd(mode, a.seconds, tmp)
            if not ppk or not tpk:
                sys.exit("bench-cg: %s: no packets counted (pollnet %d, testpmd %d)"
                         % (mode, ppk, tpk))
            r = {"engine": mode, "pollnet_ir_per_pkt": pir / ppk,
                 "testpmd_ir_per_pkt": tir / tpk, "pollnet_packets": ppk,
                 "testpmd_packets": tpk,
                 "pollnet_top": top_functions(pfile, ppk)}
            results.append(r)
            print("| %s | %.1f | %.1f | %.3f |" % (mode, r["testpmd_ir_per_pkt"],
                  r["pollnet_ir_per_pkt"],
                  r["pollnet_ir_per_pkt"] / r["testpmd_ir_per_pkt"]), flush=True)
        for r in results:
            print("\npollnet-bench %s, Ir/packet by function:" % r["engine"])
            for name, v in r["pollnet_top"]:
                print("  %7.1f  %s" % (v, name))
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(results, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())

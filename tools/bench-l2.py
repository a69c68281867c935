#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""pollnet-bench against dpdk-testpmd on the same virtio_user <-> vhost-user
link, side by side in one run, one CPU per side, 64-byte frames.

Scenarios (sender -> receiver):
  virtio->vhost   txonly on the virtio_user side, rxonly on the vhost side
  vhost->virtio   txonly on the vhost side, rxonly on the virtio_user side
  macswap-rt      macswap on both sides, primed with --tx-first/tx_first
                  bursts: packets bounce, the virtio side's RX rate is the
                  round-trip forwarding rate
  idle-cpu        an idle rxonly receiver for a few seconds: CPU share of
                  pollnet-bench (interrupt mode), pollnet-bench --no-sleep,
                  and testpmd

Both tools are measured the same way: the receiver's port counters read
twice through its DPDK telemetry socket (/ethdev/stats), after a warm-up.

With --alternate N, both pairs run at once, each on its own link (vhost
sides on one CPU, virtio sides on the other), and take turns: testpmd
'start', a window, 'stop'; pollnet-bench --stopped started with SIGUSR1,
a window, stopped with SIGUSR2; N windows each in the order T P P T T P ...
A stopped pair sleeps (testpmd's lcores wait, pollnet-bench's sleep on
interrupts), so the other has the CPUs. Windows a second apart see the
same host: the host's drift over minutes, larger than the difference
between the tools, falls out of the per-window ratios.

usage: tools/bench-l2.py [--build DIR] [--seconds S] [--runs N] [--json FILE]
                         [--alternate N [--window S]]
"""
import random
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import pntag

EAL = ["--no-huge", "-m", "1024", "--no-pci",
       "--log-level=lib.vhost.config:warning", "--log-level=pmd.net.virtio.*:error"]
VHOST_CPU, VIRTIO_CPU = "1", "0"
PN_OPTS = []  # --pn-opts: more pollnet-bench options (--alternate)


def telemetry(prefix, cmd):
    path = f"/var/run/dpdk/{prefix}/dpdk_telemetry.v2"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    json.loads(s.recv(4096).decode())
    s.send(cmd.encode())
    data = json.loads(s.recv(1 << 16).decode())
    s.close()
    return data[cmd.split(",")[0]]


def wait_for(what, cond, timeout=30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if cond():
                return
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.05)
    raise RuntimeError(f"timed out waiting for {what}")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Side:
    """One DPDK process: testpmd (driven on stdin) or pollnet-bench."""

    def __init__(self, tool, bench, role, sock, prefix, mode, tx_first=0, extra=()):
        self.tool, self.prefix, self.mode, self.tx_first = tool, prefix, mode, tx_first
        self.extra = list(extra)
        cpu = VHOST_CPU if role == "vhost" else VIRTIO_CPU
        vdev = (f"net_vhost0,iface={sock},queues=1" if role == "vhost"
                else f"virtio_user0,path={sock},queues=1")
        eal = EAL + ["--file-prefix", prefix, "--lcores", f"0@{cpu},1@{cpu}", "--vdev", vdev]
        if tool == "testpmd":
            cmd = ["dpdk-testpmd"] + eal + ["--", "-i", "--total-num-mbufs=16384",
                                            "--txpkts=64", "--burst=32"]
        else:
            cmd = [bench] + eal + ["--", f"--forward-mode={mode}", "--txpkts=64",
                                   "--burst=32", "--stats-period=0", "--quiet"]
            if tx_first:
                cmd.append(f"--tx-first={tx_first}")
            cmd += list(extra)
        self.log = open(os.path.join(os.path.dirname(sock), prefix + ".log"), "w")
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=self.log,
                                  stderr=subprocess.STDOUT, text=True)

    def cmd(self, line):
        if self.tool == "testpmd":
            self.p.stdin.write(line + "\n")
            self.p.stdin.flush()

    def start(self):
        if self.tool == "testpmd":
            self.cmd(f"set fwd {self.mode}")
            self.cmd(f"start tx_first {self.tx_first}" if self.tx_first else "start")
        elif "--stopped" in self.extra:
            self.p.send_signal(signal.SIGUSR1)

    def pause(self):
        """testpmd 'stop'; pollnet-bench --stopped: SIGUSR2."""
        if self.tool == "testpmd":
            self.cmd("stop")
        else:
            self.p.send_signal(signal.SIGUSR2)

    def ready(self):
        return telemetry(self.prefix, "/ethdev/list") == [0]

    def link_up(self):
        return telemetry(self.prefix, "/ethdev/link_status,0")["status"] == "UP"

    def rx(self):
        return telemetry(self.prefix, "/ethdev/stats,0")["ipackets"]

    def stop(self):
        if self.p.poll() is None:
            if self.tool == "testpmd":
                try:
                    self.cmd("stop")
                    self.cmd("quit")
                except BrokenPipeError:
                    pass
            else:
                self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.log.close()
        shutil.rmtree(f"/var/run/dpdk/{self.prefix}", ignore_errors=True)


def run_pair(tool, bench, vhost_mode, virtio_mode, measure, seconds, tx_first=0,
             vhost_tool=None):
    """tool runs the virtio side, vhost_tool (default: the same) the vhost side."""
    tmp = tempfile.mkdtemp(prefix=pntag.tagged("pn-bench-l2") + ".")
    sock = os.path.join(tmp, "vh.sock")
    tag = pntag.tagged(f"pnb{os.getpid()}{tool[:2]}")
    vh = vi = None
    try:
        vh = Side(vhost_tool or tool, bench, "vhost", sock, tag + "vh", vhost_mode, 0)
        wait_for("vhost socket", lambda: os.path.exists(sock))
        vi = Side(tool, bench, "virtio", sock, tag + "vi", virtio_mode, tx_first)
        for s in (vh, vi):
            wait_for(f"{s.prefix} telemetry", s.ready)
        wait_for("link up", lambda: vh.link_up() and vi.link_up())
        vh.start()
        vi.start()
        side = vh if measure == "vhost" else vi
        time.sleep(1.5)  # warm-up
        c1, t1 = side.rx(), time.monotonic()
        time.sleep(seconds)
        c2, t2 = side.rx(), time.monotonic()
        return (c2 - c1) / (t2 - t1)
    finally:
        for s in (vi, vh):
            if s is not None:
                s.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def run_alternating(bench, vhost_mode, virtio_mode, measure, windows, window_s,
                    tx_first=0, warm_s=0.4, pairs=None):
    """Both pairs up at once; they take turns. Returns per-window pps lists.
    @pairs: {"testpmd": (virtio tool, vhost tool), "pollnet-bench": (...)},
    by default each tool on both sides."""
    tmp = tempfile.mkdtemp(prefix=pntag.tagged("pn-bench-l2a") + ".")
    tag = pntag.tagged(f"pna{os.getpid()}")
    sides = {}
    pairs = pairs or {t: (t, t) for t in ("testpmd", "pollnet-bench")}
    try:
        for name, (vi_tool, vh_tool) in pairs.items():
            sock = os.path.join(tmp, f"{name[:2]}.sock")
            stopped = lambda t: ("--stopped", *PN_OPTS) if t != "testpmd" else ()
            vh = Side(vh_tool, bench, "vhost", sock, f"{tag}{name[:2]}vh", vhost_mode, 0,
                      stopped(vh_tool))
            wait_for("vhost socket", lambda: os.path.exists(sock))
            vi = Side(vi_tool, bench, "virtio", sock, f"{tag}{name[:2]}vi", virtio_mode,
                      tx_first, stopped(vi_tool))
            sides[name] = (vh, vi)
        for vh, vi in sides.values():
            for s in (vh, vi):
                wait_for(f"{s.prefix} telemetry", s.ready)
            wait_for("link up", lambda: vh.link_up() and vi.link_up())
        rates = {"testpmd": [], "pollnet-bench": []}
        for k in range(2 * windows):
            tool = ("testpmd", "pollnet-bench")[(k + 1) // 2 % 2]  # T P P T T P
            vh, vi = sides[tool]
            vh.start()
            time.sleep(0.05)  # the reflector forwards before tx_first arrives
            vi.start()
            side = vh if measure == "vhost" else vi
            time.sleep(warm_s)
            c1, t1 = side.rx(), time.monotonic()
            time.sleep(window_s)
            c2, t2 = side.rx(), time.monotonic()
            vi.pause()
            vh.pause()
            rates[tool].append((c2 - c1) / (t2 - t1))
            time.sleep(0.2)  # the stopped pair goes quiet
        return rates["testpmd"], rates["pollnet-bench"]
    finally:
        for vh, vi in sides.values():
            for s in (vi, vh):
                s.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def median_ci(xs, seed=1, n=2000):
    """Median and a bootstrap 95 % interval of it."""
    rng = random.Random(seed)
    meds = sorted(statistics.median(rng.choices(xs, k=len(xs))) for _ in range(n))
    return statistics.median(xs), meds[int(0.025 * n)], meds[int(0.975 * n) - 1]


def alternate(a, bench):
    results = []
    print(f"{'scenario':36} {'testpmd Mpps':>13} {'pollnet Mpps':>13} "
          f"{'ratio':>7} {'95% CI':>13} {'sum ratio':>9}")
    for name, vh_mode, vi_mode, measure, txf in SCENARIOS:
        if a.only and a.only not in name:
            continue
        t, p = run_alternating(bench, vh_mode, vi_mode, measure, a.alternate,
                               a.window, txf)
        ratios = [pi / ti for ti, pi in zip(t, p) if ti > 0]
        med, lo, hi = median_ci(ratios)
        results.append({"scenario": name, "testpmd_pps": t, "pollnet_pps": p,
                        "ratios": ratios, "ratio_median": med, "ci95": [lo, hi],
                        "ratio_of_sums": sum(p) / sum(t)})
        print(f"{name:36} {statistics.median(t)/1e6:13.2f} {statistics.median(p)/1e6:13.2f} "
              f"{med:7.3f} {lo:6.3f}-{hi:6.3f} {sum(p)/sum(t):9.3f}", flush=True)
    if a.mixed:  # which side: pollnet-bench on one side only, against testpmd on both
        print(f"\n{'mixed: virtio side / vhost side':36} {'T/T Mpps':>13} {'mixed Mpps':>13} "
              f"{'ratio':>7} {'95% CI':>13}")
        for name, vh_mode, vi_mode, measure, txf in SCENARIOS[:2]:
            if a.only and a.only not in name:
                continue
            for mix in (("testpmd", "pollnet-bench"), ("pollnet-bench", "testpmd")):
                t, p = run_alternating(bench, vh_mode, vi_mode, measure, a.alternate,
                                       a.window, txf,
                                       pairs={"testpmd": ("testpmd", "testpmd"),
                                              "pollnet-bench": mix})
                ratios = [pi / ti for ti, pi in zip(t, p) if ti > 0]
                med, lo, hi = median_ci(ratios)
                label = f"{name[:22]} {mix[0][:7]}/{mix[1][:7]}"
                results.append({"scenario": name, "virtio": mix[0], "vhost": mix[1],
                                "testpmd_pps": t, "mixed_pps": p, "ratios": ratios,
                                "ratio_median": med, "ci95": [lo, hi]})
                print(f"{label:36} {statistics.median(t)/1e6:13.2f} "
                      f"{statistics.median(p)/1e6:13.2f} {med:7.3f} {lo:6.3f}-{hi:6.3f}",
                      flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"alternate": a.alternate, "window": a.window, "l2": results},
                      f, indent=2)


def idle_cpu(tool, bench, seconds, extra=()):
    """CPU share of an idle rxonly receiver (virtio side) with a silent peer."""
    tmp = tempfile.mkdtemp(prefix=pntag.tagged("pn-bench-idle") + ".")
    sock = os.path.join(tmp, "vh.sock")
    tag = pntag.tagged(f"pni{os.getpid()}{tool[:2]}{len(extra)}")
    vh = vi = None
    try:
        vh = Side("pollnet-bench", bench, "vhost", sock, tag + "vh", "rxonly")
        wait_for("vhost socket", lambda: os.path.exists(sock))
        vi = Side(tool, bench, "virtio", sock, tag + "vi", "rxonly", extra=extra)
        wait_for("telemetry", vi.ready)
        wait_for("link up", vi.link_up)
        vi.start()
        time.sleep(1.0)
        c1, t1 = cpu_seconds(vi.p.pid), time.monotonic()
        time.sleep(seconds)
        c2, t2 = cpu_seconds(vi.p.pid), time.monotonic()
        return 100.0 * (c2 - c1) / (t2 - t1)
    finally:
        for s in (vi, vh):
            if s is not None:
                s.stop()
        shutil.rmtree(tmp, ignore_errors=True)


SCENARIOS = [
    ("virtio->vhost txonly->rxonly", "rxonly", "txonly", "vhost", 0),
    ("vhost->virtio txonly->rxonly", "txonly", "rxonly", "virtio", 0),
    ("macswap round trip (tx_first 8)", "macswap", "macswap", "virtio", 8),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], epilog=pntag.HELP)
    ap.add_argument("--build", default="build")
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json")
    ap.add_argument("--mixed", action="store_true",
                    help="also run each tool against the other, to see which side limits")
    ap.add_argument("--alternate", type=int, default=0, metavar="N",
                    help="both pairs up at once, N windows each, taking turns")
    ap.add_argument("--only", help="--alternate: scenarios whose name has this")
    ap.add_argument("--pn-opts", default="",
                    help="--alternate: more pollnet-bench options, e.g. '--no-sleep'")
    ap.add_argument("--window", type=float, default=1.0,
                    help="--alternate: seconds per window (1)")
    a = ap.parse_args()
    pntag.tag()
    bench = os.path.abspath(os.path.join(a.build, "app", "pollnet-bench"))
    if not os.access(bench, os.X_OK):
        sys.exit(f"bench-l2: no {bench}: build first")
    if a.alternate:
        PN_OPTS.extend(a.pn_opts.split())
        return alternate(a, bench)
    results = []
    print(f"{'scenario':36} {'testpmd Mpps':>13} {'pollnet Mpps':>13} {'ratio':>7}")
    for name, vh_mode, vi_mode, measure, txf in SCENARIOS:
        t, p = [], []
        for _ in range(a.runs):  # interleaved, so drift hits both alike
            t.append(run_pair("testpmd", bench, vh_mode, vi_mode, measure, a.seconds, txf))
            p.append(run_pair("pollnet-bench", bench, vh_mode, vi_mode, measure, a.seconds, txf))
        tm, pm = statistics.median(t), statistics.median(p)
        results.append({"scenario": name, "testpmd_pps": t, "pollnet_pps": p,
                         "ratio": pm / tm if tm else None})
        print(f"{name:36} {tm/1e6:13.2f} {pm/1e6:13.2f} {pm/tm if tm else 0:7.3f}", flush=True)
    if a.mixed:
        print(f"\n{'mixed (virtio side / vhost side)':36} {'Mpps':>13}")
        for name, vh_mode, vi_mode, measure, txf in SCENARIOS[:2]:
            for vi_tool, vh_tool in (("testpmd", "pollnet-bench"), ("pollnet-bench", "testpmd")):
                v = statistics.median(run_pair(vi_tool, bench, vh_mode, vi_mode, measure,
                                               a.seconds, txf, vhost_tool=vh_tool)
                                      for _ in range(a.runs))
                results.append({"scenario": name, "virtio": vi_tool, "vhost": vh_tool, "pps": v})
                print(f"{name[:22] + ' ' + vi_tool[:7] + '/' + vh_tool[:7]:36} {v/1e6:13.2f}", flush=True)
    idle = {
        "pollnet-bench (interrupts)": idle_cpu("pollnet-bench", bench, a.seconds),
        "pollnet-bench --no-sleep": idle_cpu("pollnet-bench", bench, a.seconds, ["--no-sleep"]),
        "dpdk-testpmd": idle_cpu("testpmd", bench, a.seconds),
    }
    print(f"\n{'idle receiver, CPU % of one core':36}")
    for k, v in idle.items():
        print(f"  {k:34} {v:6.1f}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"seconds": a.seconds, "runs": a.runs, "l2": results,
                       "idle_cpu_percent": idle}, f, indent=2)


if __name__ == "__main__":
    main()

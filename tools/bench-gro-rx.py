#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""bench-gro-rx: pollnet's receive cycles per byte with GRO on and off, the
Linux kernel sending.

The kernel, in the namespace of a tools/peer.sh bridge (bridge on CPU 1),
sends BYTES over one TCP connection to app/examples/tcpblast (sink,
--cycles, one lcore on CPU 0); GRO on and off alternate (on off, off on,
...), PAIRS pairs. Once
the kernel has every byte acknowledged (tests/integration/tcpblast.py
source-hold), the sink's /pollnet/cycles,0 and /pollnet/gro,0 are read
(the totals of the whole transfer; nothing more arrives), then the
connection closes and the sink's byte count and SHA-256 are checked.

Per run: MB/s (the kernel's connect to last ACK), TSC cycles per payload
byte of the poll, gro and input phases and their sum (receive), the share
of the loop's awake time (every phase but idle) that the lcore's thread
was really on a CPU (the scheduler's sum_exec_runtime) and the receive
cycles scaled by it (on CPU: preemption by other work taken out, taken to
hit every phase alike), the timers, tx and events phases and the stack's
whole receive cost (receive plus those three: what Linux does in its
receive softirq, the ACKs sent and the wake-ups included; the application's
copy and hash, in the app phase, left out), segments per packet GRO handed
up, TCP checksums GRO verified in software, and what shows loss: frames
the bridge dropped because pollnet's RX ring was full, and segments TCP
queued out of order.

Checksums (--csum): the tap in the namespace has no checksum offload, so
the kernel sends full checksums. 'sw' (the default): virtio reports them
unverified and pollnet checks every one in software (in GRO with GRO on,
in TCP input with it off). 'partial': the bridge verifies them
(tools/peer.sh --csum-partial) and hands them on as virtio NEEDS_CSUM, as
a hypervisor whose NIC verified them would: pollnet sums no payload byte.
'both': each round of ABBA pairs runs once per mode, a bridge brought up
for each.

  tools/bench-gro-rx.py [--build DIR] [--pairs N] [--bytes N]
                        [--csum sw|partial|both] [--sender-cpu CPU]
                        [--queue-size N] [--name NAME] [--json FILE]
                        [--keep-logs]

--queue-size: the sink's virtio ring, 1024 descriptors by default as in
pollnetd; virtio_user's own default, 256, overflows while the sink
hashes: the bridge drops what finds the ring full.

Needs root (a network namespace). Cycles are TSC cycles: wall-clock, so
noisy on a shared machine; pairs are interleaved for that reason.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import pntag

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEER = os.path.join(REPO, "tools", "peer.sh")
CTL = os.path.join(REPO, "tools", "pollnetctl")
PYBLAST = os.path.join(REPO, "tests", "integration", "tcpblast.py")
EAL = ["--no-huge", "-m", "512", "--no-pci", "--lcores", "0@0",
       "--log-level=lib.vhost.config:warning",
       "--log-level=pmd.net.virtio.*:error"]
TIMEOUT = 120


def fail(msg):
    sys.exit(f"bench-gro-rx: {msg}")


def tel(prefix, cmd):
    out = subprocess.run([CTL, "--prefix", prefix, "--json", "raw", cmd],
                         capture_output=True, text=True, timeout=10)
    if out.returncode:
        fail(f"pollnetctl {cmd}: {out.stderr.strip()}")
    return json.loads(out.stdout)


def on_cpu_ns(pid):
    """Time the thread PID has run on a CPU (the lcore: with --lcores 0@0
    the main thread is the only lcore), from the scheduler's sum_exec_runtime."""
    with open(f"/proc/{pid}/task/{pid}/sched") as f:
        for line in f:
            if line.startswith("se.sum_exec_runtime"):
                return float(line.split(":")[1]) * 1e6
    fail(f"no se.sum_exec_runtime in /proc/{pid}/task/{pid}/sched")


def losses(prefix, peer):
    """What shows loss on the way: frames the bridge dropped for a full
    ring (pollnet's RX ring, nearly all: the kernel's side gets only
    ACKs), segments pollnet's TCP queued out of order."""
    drops = tel(pntag.tagged(f"pn-peer-{peer}"), "/pollnet/drops") or {}
    tcp = tel(prefix, "/pollnet/tcp,0") or {}
    return dict(ring_full=drops.get("TX_FULL", 0), ofo=tcp.get("TCPOFOQueue", 0))


def busy(cyc):
    """TSC cycles of the loop outside sleeping (every phase but idle)."""
    return cyc["total"] - cyc["idle"]


def wait_log(path, text, proc, secs=30):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        with open(path, encoding="utf-8", errors="replace") as f:
            if text in f.read():
                return
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    fail(f"no '{text}' in {path} after {secs} s")


def stop(proc):
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def one(a, peer, sock, tmp, gro, k, want):
    """One transfer: returns the row of the table."""
    name = f"{a.name}-{k}-{'on' if gro else 'off'}"
    prefix, port, log = pntag.tagged(f"pn-{name}"), 5200 + k, os.path.join(tmp, name + ".log")
    with open(log, "w") as out:
        sink = subprocess.Popen(
            [os.path.join(a.build, "app", "tcpblast"), "sink", str(port), str(TIMEOUT)] +
            EAL + ["--file-prefix", prefix, "--vdev",
                   f"virtio_user0,path={sock},queues=1,queue_size={a.queue_size}",
                   "--", "--addr", "198.18.0.2/24", "--cycles"] + ([] if gro else ["--no-gro"]),
            stdout=out, stderr=subprocess.STDOUT)
    src = None
    try:
        wait_log(log, "tcpblast: listening", sink)
        cyc0, cpu0 = tel(prefix, "/pollnet/cycles,0"), on_cpu_ns(sink.pid)
        loss0 = losses(prefix, peer)
        src = subprocess.Popen(
            [PEER, "exec", "--name", peer, "--"] +
            (["taskset", "-c", str(a.sender_cpu)] if a.sender_cpu is not None else []) +
            ["python3", PYBLAST, "source-hold",
             "198.18.0.2", str(port), str(a.bytes), "1", str(TIMEOUT)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = src.stdout.readline().split()
        if line[:1] != ["acked"]:
            fail(f"{name}: the kernel's source said {line} (log {log})")
        cyc, cpu1 = tel(prefix, "/pollnet/cycles,0"), on_cpu_ns(sink.pid)
        g = tel(prefix, "/pollnet/gro,0") or {}
        loss = {k: v - loss0[k] for k, v in losses(prefix, peer).items()}
        src.stdin.write("\n")
        src.stdin.flush()
        if src.wait(TIMEOUT) != 0:
            fail(f"{name}: the kernel's source exited {src.returncode}")
        if sink.wait(30) != 0:
            fail(f"{name}: tcpblast exited {sink.returncode} (log {log})")
    finally:
        for p in (src, sink):
            if p is not None:
                stop(p)
        shutil.rmtree(f"/var/run/dpdk/{prefix}", ignore_errors=True)
    got = [l.split() for l in open(log) if l.startswith("bytes ")]
    if not got or got[-1][1] != str(a.bytes) or got[-1][3] != want:
        fail(f"{name}: the sink got {got[-1][:4] if got else 'nothing'}, "
             f"want {a.bytes} bytes sha256 {want}")
    if not cyc.get("enabled"):
        fail(f"{name}: cycle accounting is off")
    n = a.bytes
    segs = (g.get("held", 0) + g.get("merged", 0)) / g["flushed"] if g.get("flushed") else 1
    d = {p: cyc[p] - cyc0[p]
         for p in ("poll", "gro", "input", "timers", "tx", "events", "total", "idle")}
    # The phases count TSC cycles, preempted ones included; the share of
    # the loop's awake cycles it really ran scales them to on-CPU cycles
    # (preemption taken to hit every awake phase alike).
    share = min(1.0, (cpu1 - cpu0) * cyc["tsc_hz"] / 1e9 / busy(d))
    row = dict(gro="on" if gro else "off", mbps=n / 1e6 / float(line[3]),
               poll=d["poll"] / n, gro_c=d["gro"] / n, input=d["input"] / n,
               segs=segs, csum_sw=g.get("csum_sw", 0), share=share, **loss)
    row["receive"] = row["poll"] + row["gro_c"] + row["input"]
    row["receive_cpu"] = row["receive"] * share
    # What Linux does in its receive softirq beyond that: the ACKs (and
    # window updates) sent, the timers (delayed ACK), the wake-ups.
    for p in ("timers", "tx", "events"):
        row[p] = d[p] / n
    row["stack"] = row["receive"] + row["timers"] + row["tx"] + row["events"]
    return row


def peer_up(a, csum):
    """The bridge, its checksums as --csum says; returns its socket."""
    up = subprocess.run([PEER, "up", "--name", a.name, "--cpu", "1", "--bench",
                         os.path.join(a.build, "app", "pollnet-bench")] +
                        (["--csum-partial"] if csum == "partial" else []),
                        capture_output=True, text=True)
    if up.returncode:
        fail(f"peer.sh up: {up.stderr.strip()}")
    return dict(l.split("=", 1) for l in up.stdout.split() if "=" in l)["socket"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, epilog=pntag.HELP,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--bytes", type=int, default=100000000)
    ap.add_argument("--csum", choices=("sw", "partial", "both"), default="sw",
                    help="checksums summed by pollnet (sw), verified by the bridge "
                         "and handed on as NEEDS_CSUM (partial), or both in turn")
    ap.add_argument("--name", default=f"grorx{os.getpid()}",
                    help="bridge name (namespace pn-NAME[-PN_TAG], EAL prefixes pn-NAME-*[-PN_TAG])")
    ap.add_argument("--sender-cpu", type=int, metavar="CPU",
                    help="pin the kernel's sender to CPU (1: beside the bridge, off the "
                         "lcore's CPU 0, which it otherwise preempts a third of the time)")
    ap.add_argument("--json", help="write the rows here too")
    ap.add_argument("--queue-size", type=int, default=1024,
                    help="the sink's virtio ring (1024; 256 loses frames)")
    ap.add_argument("--keep-logs", action="store_true",
                    help="keep the runs' logs (kept anyway when a run fails)")
    a = ap.parse_args()
    pntag.tag()
    a.build = os.path.abspath(a.build)
    if a.pairs < 1 or a.bytes < 1:
        fail(f"--pairs {a.pairs} --bytes {a.bytes}: both must be at least 1")
    if not 64 <= a.queue_size <= 32768 or a.queue_size & (a.queue_size - 1):
        fail(f"--queue-size {a.queue_size}: a power of two, 64..32768 (virtio)")
    if os.geteuid() != 0:
        fail("needs root (tools/peer.sh makes a network namespace)")
    gen = subprocess.Popen([os.path.join(a.build, "app", "tcpblast"), "gen",
                            str(a.bytes), "1"], stdout=subprocess.PIPE)
    want = subprocess.run(["sha256sum"], stdin=gen.stdout, capture_output=True,
                          text=True, check=True).stdout.split()[0]
    gen.wait()
    modes = ("sw", "partial") if a.csum == "both" else (a.csum,)
    tmp = tempfile.mkdtemp(prefix=pntag.tagged("bench-gro-rx") + "-")
    rows = []
    for i in range(a.pairs):
        # modes alternate too: sw first in odd pairs, partial in even ones
        for csum in modes if i % 2 == 0 else modes[::-1]:
            sock = peer_up(a, csum)
            try:
                # ABBA: on, off, off, on, ... so that drift hits both alike
                for gro in (True, False) if i % 2 == 0 else (False, True):
                    r = one(a, a.name, sock, tmp, gro, len(rows), want)
                    r["pair"], r["csum"] = i + 1, csum
                    rows.append(r)
                    print(f"pair {r['pair']} {csum} GRO {r['gro']}: {r['mbps']:.1f} MB/s, "
                          f"receive {r['receive']:.2f} c/B", file=sys.stderr, flush=True)
            finally:
                subprocess.run([PEER, "down", "--name", a.name], capture_output=True)
    if a.keep_logs:
        print(f"logs in {tmp}", file=sys.stderr)
    else:
        shutil.rmtree(tmp)
    print(f"{a.bytes} bytes kernel -> pollnet per run; cycles per payload byte\n")
    print("| pair | checksums | GRO | MB/s | poll | gro | input | receive c/B | on CPU "
          "| receive c/B on CPU | timers | tx | events | stack c/B "
          "| segments per packet | sw checksums in GRO | bridge drops, ring full | out of order |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
          "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['pair']} | {r['csum']} | {r['gro']} | {r['mbps']:.1f} | {r['poll']:.2f} | "
              f"{r['gro_c']:.2f} | {r['input']:.2f} | **{r['receive']:.2f}** | "
              f"{100 * r['share']:.0f}% | **{r['receive_cpu']:.2f}** | "
              f"{r['timers']:.3f} | {r['tx']:.3f} | {r['events']:.3f} | **{r['stack']:.2f}** | "
              f"{r['segs']:.1f} | {r['csum_sw']} | {r['ring_full']} | {r['ofo']} |")
    print()
    for k in range(0, len(rows), 2):
        on, off = sorted(rows[k:k + 2], key=lambda r: r["gro"] != "on")
        print(f"pair {on['pair']} {on['csum']}: receive c/B off / on = "
              f"{off['receive'] / on['receive']:.2f}x, "
              f"on CPU {off['receive_cpu'] / on['receive_cpu']:.2f}x, "
              f"stack c/B {off['stack'] / on['stack']:.2f}x")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()

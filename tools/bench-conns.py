#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Idle-connection capacity: how many idle TCP connections one event loop
holds and what each costs, pollnet against Linux, with pollnet-bench's
tcp-idle engine (client opens N at --rate, spread over several server
ports, and holds them; the server accepts and holds).

  pollnet: two pollnet-bench processes joined by vhost-user (server
           net_vhost 198.18.0.1/24, client virtio_user 198.18.0.2/24), one
           worker lcore each (--lcores '0@CPU,1@CPU'), --no-huge,
           --max-conns and --mbufs on both sides. Memory per connection is
           measured on the server: its RSS and DPDK heap when listening and
           again with N held, divided by N (tcp-idle's JSON 'memory').
  linux:   the same engine with --stack linux over loopback in a namespace
           (N split over several server/client process pairs when the
           open-files hard limit is below N, each pair on its own ports)
           made for the run ('PREFIX-PID', --prefix, removed at the end; root
           only), ulimit -n raised; kernel memory per socket is the
           /proc/meminfo Slab growth (plus sockstat's TCP 'mem' pages)
           with N held, divided by 2N (both ends are kernel sockets).

Connections per server port stop at the client's ephemeral range (28232
ports for one destination, 32768-60999), so N needs ceil(N / 28000) server
ports, taken odd (prime to 28232): the pollnet client's sequential
ephemeral ports and tcp-idle's round-robin over server ports then never
meet a used (port, server port) pair before 28232 * ports connections.

1,000,000 on one pollnet lcore:
  tools/bench-conns.py --build build --counts 1000000 --stacks pollnet --rate 20000
(EAL -m 512 holds it: the connection hash, allocated up front in the
DPDK heap, and the mbuf pool are 78 MB for --max-conns 1,001,024; see
the heap column.) Once all are held the servers' CPU use is sampled for
--idle seconds: idle connections must cost no CPU.
A run that stops making progress for --stall seconds is a limit: the
table shows what was held and the errors the stack gave.

usage: tools/bench-conns.py [--build DIR] [--counts LIST] [--rate N]
                            [--stacks pollnet,linux] [--mem MB]
                            [--cpus SERVER,CLIENT] [--out DIR]
"""
import argparse
import importlib.util
import json
import math
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time

import pntag

# wait_for, log_has and the EAL options come from tools/bench-tcp.py
_tcp = importlib.util.spec_from_file_location(
    "bench_tcp", os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench-tcp.py"))
bench_tcp = importlib.util.module_from_spec(_tcp)
_tcp.loader.exec_module(bench_tcp)
wait_for, log_has, EAL = bench_tcp.wait_for, bench_tcp.log_has, bench_tcp.EAL
EAL = [x for i, x in enumerate(EAL) if x != "-m" and EAL[i - 1] != "-m"]
PER_PORT = 28000
EPH_RANGE = 60999 - 32768 + 1
PROGRESS = re.compile(r"conns (\d+)\s+errors (\d+)")


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def progress(log):
    """The client's last periodic line: (connections held, errors)."""
    m = PROGRESS.findall(read(log))
    return (int(m[-1][0]), int(m[-1][1])) if m else (0, 0)


def cpu_ticks(pid):
    """utime + stime of a process (clock ticks), 0 once it is gone."""
    f = read(f"/proc/{pid}/stat").rsplit(")", 1)
    return int(f[1].split()[11]) + int(f[1].split()[12]) if len(f) == 2 else 0


def idle_cpu(pids, secs):
    """CPU % the servers use while only holding (no traffic) for secs."""
    if secs <= 0:
        return None
    t0, c0 = time.monotonic(), sum(cpu_ticks(p) for p in pids)
    time.sleep(secs)  # a measurement window, not synchronisation
    c1, t1 = sum(cpu_ticks(p) for p in pids), time.monotonic()
    return round(100.0 * (c1 - c0) / os.sysconf("SC_CLK_TCK") / (t1 - t0), 1)


def hold(n, logs, stall, cap):
    """Wait until the clients hold n, or stop progressing. Seconds taken."""
    t0 = time.monotonic()
    last, t_last = -1, t0
    while True:
        held = sum(progress(log)[0] for log in logs)
        now = time.monotonic()
        if held >= n:
            return now - t0
        if held != last:
            last, t_last = held, now
        if now - t_last > stall or now - t0 > cap:
            return now - t0
        time.sleep(0.2)


def stop(p, timeout=60):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def finish(srv, cli, srv_json, cli_json):
    """Stop the server first (it samples its memory with every connection
    held), then the client; their JSON summaries."""
    stop(srv)
    if cli is not None:
        stop(cli)
    return json.load(open(srv_json)), json.load(open(cli_json))


def meminfo_kb(key):
    for line in read("/proc/meminfo").splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def sockstat_tcp_mem(ns):
    out = subprocess.run(["ip", "netns", "exec", ns, "cat", "/proc/net/sockstat"],
                         capture_output=True, text=True).stdout
    m = re.search(r"TCP: inuse (\d+) .* mem (\d+)", out)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def ports_for(n):
    """Server ports for n connections: prime to the ephemeral range."""
    k = max(1, math.ceil(n / PER_PORT))
    while math.gcd(k, EPH_RANGE) != 1:
        k += 1
    return k


def run_pollnet(a, n, tmp):
    nports = ports_for(n)
    ports = f"6000-{6000 + nports - 1}"
    maxc = str(max(1024, n + 1024))
    sock = os.path.join(tmp, f"vh{n}.sock")
    srv_log, cli_log = (os.path.join(tmp, f"p{n}-{r}.log") for r in ("srv", "cli"))
    srv_json, cli_json = (os.path.join(tmp, f"p{n}-{r}.json") for r in ("srv", "cli"))
    eal = EAL + ["-m", str(a.mem)]
    scpu, ccpu = a.cpus
    common = ["--max-conns", maxc, "--mbufs", str(a.mbufs), "--ports", ports]
    srv = subprocess.Popen(
        [a.bench] + eal + ["--file-prefix", f"{a.prefix}-s{os.getpid()}",
                           "--lcores", f"0@{scpu},1@{scpu}",
                           "--vdev", f"net_vhost0,iface={sock},queues=1", "--",
                           "--engine", "tcp-idle", "--role", "server",
                           "--addr", "198.18.0.1/24", "--stats-period", "0",
                           "--json", srv_json] + common,
        stdout=open(srv_log, "w"), stderr=subprocess.STDOUT)
    cli = None
    try:
        wait_for("the pollnet server", lambda: log_has(srv_log, "running"))
        cli = subprocess.Popen(
            [a.bench] + eal + ["--file-prefix", f"{a.prefix}-c{os.getpid()}",
                               "--lcores", f"0@{ccpu},1@{ccpu}",
                               "--vdev", f"virtio_user0,path={sock},queues=1", "--",
                               "--engine", "tcp-idle", "--connect", "198.18.0.1:6000",
                               "--conns", str(n), "--rate", str(a.rate),
                               "--addr", "198.18.0.2/24", "--duration", str(int(a.cap) + 60),
                               "--stats-period", "1", "--json", cli_json] + common,
            stdout=open(cli_log, "w"), stderr=subprocess.STDOUT)
        secs = hold(n, [cli_log], a.stall, a.cap)
        cpu = idle_cpu([srv.pid], a.idle)
    finally:
        s, c = finish(srv, cli, srv_json, cli_json)
    m = s["memory"]
    return {"stack": "pollnet", "n": n, "ports": nports, "secs": round(secs, 1),
            "held_server": s["held"], "held_client": c["held"],
            "errors": c["connect_errors"] + c["io_errors"] + s["io_errors"],
            "rss_before": m["rss_before"], "rss_after": m["rss_after"],
            "rss_delta": m["rss_after"] - m["rss_before"],
            "heap_delta": m["heap_after"] - m["heap_before"],
            "heap_before": m["heap_before"],
            "rss_per_conn": round(m["rss_per_conn"]), "idle_cpu_pct": cpu,
            "heap_per_conn": round(m["heap_per_conn"])}


def run_linux(a, n, tmp, ns):
    # the hard open-files limit may not be raisable (a container without
    # CAP_SYS_RESOURCE): then N is split over server/client process pairs,
    # each under the limit, each pair on its own server ports
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    per = max(1, min(n, hard - 1024)) if hard != resource.RLIM_INFINITY else n
    procs = math.ceil(n / per)
    nofile = min(per + 1024, hard) if hard != resource.RLIM_INFINITY else per + 1024
    scpu, ccpu = a.cpus

    def lx(cpu, args, log):
        cmd = (f"ulimit -n {nofile} && exec taskset -c {cpu} {a.bench} -- "
               "--stack linux " + " ".join(args))
        return subprocess.Popen(["ip", "netns", "exec", ns, "sh", "-c", cmd],
                                stdout=open(log, "w"), stderr=subprocess.STDOUT)

    srvs, clis, logs, nports, base = [], [], [], 0, 26000
    jsons = [(os.path.join(tmp, f"l{n}-{i}-srv.json"),
              os.path.join(tmp, f"l{n}-{i}-cli.json")) for i in range(procs)]
    try:
        ranges = []
        for i in range(procs):
            k = n // procs + (1 if i < n % procs else 0)
            np_ = ports_for(k)
            ranges.append((k, f"{base}-{base + np_ - 1}", base))
            base, nports = base + np_, nports + np_
            log = os.path.join(tmp, f"l{n}-{i}-srv.log")
            srvs.append(lx(scpu, ["--engine", "tcp-idle", "--role", "server",
                                  "--ports", ranges[-1][1], "--stats-period", "0",
                                  "--json", jsons[i][0]], log))
            wait_for("the linux server", lambda: log_has(log, "running"))
        slab0, (_, mem0) = meminfo_kb("Slab"), sockstat_tcp_mem(ns)
        for i, (k, ports, first) in enumerate(ranges):
            logs.append(os.path.join(tmp, f"l{n}-{i}-cli.log"))
            clis.append(lx(ccpu, ["--engine", "tcp-idle", "--connect",
                                  f"127.0.0.1:{first}", "--ports", ports,
                                  "--conns", str(k), "--rate", str(max(1, a.rate // procs)),
                                  "--duration", str(int(a.cap) + 60),
                                  "--stats-period", "1", "--json", jsons[i][1]], logs[-1]))
        secs = hold(n, logs, a.stall, a.cap)
        time.sleep(0.5)  # the last ACKs in; the Slab read is not a test
        slab1, (inuse, mem1) = meminfo_kb("Slab"), sockstat_tcp_mem(ns)
        cpu = idle_cpu([p.pid for p in srvs], a.idle)
    finally:
        for p in srvs:
            stop(p)
        for p in clis:
            stop(p)
    ss = [json.load(open(sj)) for sj, _ in jsons]
    cs = [json.load(open(cj)) for _, cj in jsons[:len(clis)]]
    held_s, held_c = sum(x["held"] for x in ss), sum(x["held"] for x in cs)
    return {"stack": "linux", "n": n, "ports": nports, "procs": procs,
            "secs": round(secs, 1), "held_server": held_s, "held_client": held_c,
            "errors": sum(x["connect_errors"] + x["io_errors"] for x in cs) +
            sum(x["io_errors"] for x in ss),
            "sockets_inuse": inuse,
            "slab_delta": (slab1 - slab0) * 1024,
            "slab_per_socket": round((slab1 - slab0) * 1024 / (2 * max(1, held_s))),
            "tcp_mem_pages": mem1 - mem0, "idle_cpu_pct": cpu,
            "rss_per_conn": round(sum(x["memory"]["rss_after"] - x["memory"]["rss_before"]
                                      for x in ss) / max(1, held_s))}


def table(rows):
    out = ["| stack | N | ports | held (srv/cli) | errors | open s | conn/s | "
           "server RSS MB (listening → held) | server RSS B/conn | "
           "DPDK heap MB (listening) | DPDK heap B/conn | kernel Slab B/socket | "
           "server idle CPU % |",
           "|---|---:|---:|---|---:|---:|---:|---|---:|---:|---:|---:|---:|"]
    mb = lambda b: f"{b / 2**20:.0f}"
    for r in rows:
        rate = round(r["held_client"] / r["secs"]) if r["secs"] else "-"
        rss = (f"{mb(r['rss_before'])} → {mb(r['rss_after'])}"
               if "rss_before" in r else "-")
        heap = mb(r["heap_before"]) if "heap_before" in r else "-"
        out.append(f"| {r['stack']} | {r['n']} | {r['ports']} | "
                   f"{r['held_server']}/{r['held_client']} | {r['errors']} | "
                   f"{r['secs']} | {rate} | {rss} | {r['rss_per_conn']} | {heap} | "
                   f"{r.get('heap_per_conn', '-')} | {r.get('slab_per_socket', '-')} | "
                   f"{r.get('idle_cpu_pct', '-')} |")
    return "\n".join(out)


def main():
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], epilog=pntag.HELP)
    p.add_argument("--build", default=os.path.join(top, "build"))
    p.add_argument("--counts", default="1000,10000,60000")
    p.add_argument("--rate", type=int, default=5000, help="connects/s")
    p.add_argument("--stacks", default="pollnet,linux")
    p.add_argument("--mem", type=int, default=512, help="EAL -m, MB")
    p.add_argument("--mbufs", type=int, default=8191)
    p.add_argument("--cpus", default="0,1")
    p.add_argument("--stall", type=float, default=10.0,
                   help="seconds without progress that end a run")
    p.add_argument("--cap", type=float, default=600.0, help="seconds per run")
    p.add_argument("--out", default=None, help="directory for results.json")
    p.add_argument("--idle", type=float, default=5.0,
                   help="seconds the server CPU is sampled once all are held")
    p.add_argument("--prefix", default=pntag.tagged("pn-conns"),
                   help="EAL --file-prefix and namespace name start")
    a = p.parse_args()
    pntag.tag()
    a.bench = os.path.join(a.build, "app", "pollnet-bench")
    a.cpus = a.cpus.split(",")
    if not os.access(a.bench, os.X_OK):
        sys.exit(f"bench-conns: no pollnet-bench at {a.bench} (--build)")
    counts = [int(x) for x in a.counts.split(",")]
    stacks = a.stacks.split(",")
    if "linux" in stacks and os.geteuid() != 0:
        sys.exit("bench-conns: --stacks linux needs root (a network namespace)")
    rows = []
    ns = f"{a.prefix}-{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix=pntag.tagged("pn-conns") + "-") as tmp:
        if a.out:  # keep the logs with the results
            os.makedirs(a.out, exist_ok=True)
            tmp = a.out
        if "linux" in stacks:
            subprocess.run(["ip", "netns", "add", ns], check=True)
            subprocess.run(["ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"],
                           check=True)
        try:
            for n in counts:
                for st in stacks:
                    r = run_pollnet(a, n, tmp) if st == "pollnet" else run_linux(a, n, tmp, ns)
                    print(json.dumps(r), flush=True)
                    rows.append(r)
        finally:
            if "linux" in stacks:
                subprocess.run(["ip", "netns", "del", ns])
    print(table(rows))
    if a.out:
        os.makedirs(a.out, exist_ok=True)
        with open(os.path.join(a.out, "results.json"), "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()

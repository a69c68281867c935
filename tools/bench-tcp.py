#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""TCP benchmarks: pollnet<->pollnet against Linux<->Linux, side by side in
one run, the same pollnet-bench engines on both stacks, one CPU per side.

  pollnet: two pollnet-bench processes joined by vhost-user (server on
           net_vhost, 198.18.0.1/24; client on virtio_user, 198.18.0.2/24),
           no hugepages, --lcores '0@CPU' each under taskset -c CPU.
  linux:   the same engines with --stack linux over loopback (127.0.0.1),
           inside a network namespace made for the run ('tbench-PID',
           removed at the end) when run as root, else the host's loopback;
           pinned with taskset.

Cases (client metric):
  rr-64-cN     tcp-rr, 64-byte request and response, N connections
               (transactions/s, latency p50/p99)
  crr          tcp-crr, connect/request/response/close (connections/s);
               closed with RST (SO_LINGER 0) unless --crr-fin
  stream-c2s   tcp-stream, client sends (Mbit/s)
  stream-s2c   tcp-stream, server sends (Mbit/s)
  http         the http engine (keep-alive GET /): pollnet against
               app/examples/http on pollnet, linux against http-linux;
               plus 'http-nginx': linux against nginx (one worker, private
               config in a temp dir; no pollnet column)

Repetitions are interleaved (pollnet, linux, pollnet, linux...); the
medians and the pollnet/linux ratios go to a JSON file and a markdown table.

Offload A/B: --variant NAME:VHOST_DEVARGS:POLLNET_OPTS (repeatable) runs
pollnet once per variant, interleaved with linux in the same repetition;
VHOST_DEVARGS is appended to the server's net_vhost devargs (tso=1 lets
the virtio client negotiate HOST_TSO4), an optional 4th field
VIRTIO_ARGS to the client's virtio_user devargs (--virtio-args for the
single column), POLLNET_OPTS goes to both sides
in the POLLNET_OPTS environment variable (pn_init reads it: --no-tso,
--no-lro, --no-tx-cksum, --no-gro). --vhost-args / --pollnet-args do the
same for the single 'pollnet' column. --cycles turns on cycle accounting
on both pollnet sides and reports busy cycles per byte moved (every phase
but idle and empty rounds, read from /pollnet/cycles over the measured
window) and the receiving side's receive cycles per byte (poll, gro, input).
--variant-build NAME:DIR runs variant NAME with DIR's pollnet-bench (a
baseline build side by side, interleaved). --counters reads both pollnet
sides' counters over the measured window (telemetry: /pollnet/tcp,
/pollnet/drops, /pollnet/softnet, /ethdev/stats) and prints the non-zero
deltas per run. --linux-spin adds a Linux column whose engines never
sleep (pollnet-bench --busy-poll: epoll_wait with timeout 0 on both
sides), Linux's answer to a polling stack. --tag T puts T in the DPDK file prefixes and the netns name,
after PN_TAG (environment, tools/pntag.py) when that is set too.
--huge runs every pollnet process on 2 MB hugepages (EAL --in-memory
--single-file-segments instead of --no-huge; -m 512 each, so 512 free
pages while a pair runs; --huge-dir names the hugetlbfs mount),
--huge-variant NAME only that variant (hugepages against 4 KB pages in
one interleaved run);
--variant-eal NAME:EAL_ARGS appends EAL arguments to one variant
('lifo:--mbuf-pool-ops-name stack'). The default stays --no-huge.

  tools/bench-tcp.py --cases stream --variant tso:tso=1: \
      --variant notso:tso=1:--no-tso --cycles

usage: tools/bench-tcp.py [--build DIR] [--duration S] [--warmup S]
                          [--reps N] [--cases LIST] [--rr-conns LIST]
                          [--rr-rate LIST]
                          [--out DIR] [--cpus SERVER,CLIENT]
                          [--vhost-args A] [--pollnet-args A]
                          [--variant NAME:VHOST_ARGS:POLLNET_OPTS]...
                          [--variant-build NAME:DIR]... [--counters]
                          [--tag T] [--cycles] [--no-linux] [--linux-spin]
                          [--huge] [--huge-variant NAME]... [--huge-dir DIR]
                          [--variant-eal NAME:EAL_ARGS]...
"""
import argparse
import json
import os
import shutil
import signal
import socket
import threading
import statistics
import subprocess
import sys
import tempfile
import time

import pntag

EAL = ["--no-huge", "-m", "512", "--no-pci",
       "--log-level=lib.vhost.config:warning",
       "--log-level=pmd.net.virtio.*:error", "--log-level=pmd.net.vhost:warning"]
SERVER_IP, CLIENT_ADDR = "198.18.0.1", "198.18.0.2/24"


def eal(huge, huge_dir, extra):
    """The pollnet processes' EAL arguments: EAL (no hugepages) by default;
    with huge, 2 MB hugepages from a hugetlbfs mount (huge_dir, else the one
    EAL finds), --in-memory (the files unlinked once mapped: nothing left
    behind), one file per segment list; extra (a variant's --variant-eal
    words) at the end."""
    out = list(EAL)
    if huge:
        # one file per memory segment list: virtio_user shares each
        # file with vhost as one region (at most 8)
        out[0:1] = ["--in-memory", "--single-file-segments"] + (
            ["--huge-dir", huge_dir] if huge_dir else [])
    return out + extra


def hugepages_free():
    """Free 2 MB hugepages (HugePages_Free, /proc/meminfo), 0 if unknown."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("HugePages_Free:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def wait_for(what, cond, timeout=30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.05)
    raise RuntimeError(f"timed out waiting for {what}")


def telemetry(prefix, cmd):
    """One DPDK telemetry command to the process with this file prefix."""
    path = f"/var/run/dpdk/{prefix}/dpdk_telemetry.v2"
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as s:
        s.settimeout(2)
        s.connect(path)
        hello = json.loads(s.recv(4096).decode())
        s.send(cmd.encode())
        data = json.loads(s.recv(hello.get("max_output_len", 16384) + 1024))
        return data.get(cmd.split(",")[0])


def busy_cycles(prefix):
    """Cycles shard 0 spent working (every phase but idle and empty rounds,
    the busy-poll spin), its receive phases (poll, gro, input), the TSC rate."""
    d = telemetry(prefix, "/pollnet/cycles,0")
    return (d["total"] - d.get("idle", 0) - d.get("empty", 0),
            d["poll"] + d["gro"] + d["input"], d["tsc_hz"])


# counters read over the measured window (--counters): telemetry command,
# and for dictionaries of dictionaries the inner key to keep
COUNTER_CMDS = [("/pollnet/tcp", "tcp"), ("/pollnet/drops", "drop"),
                ("/pollnet/softnet,0", "softnet"), ("/ethdev/stats,0", "eth")]


def counters(prefix):
    """Flat {name: value} of one pollnet process's integer counters."""
    out = {}
    for cmd, tag in COUNTER_CMDS:
        d = telemetry(prefix, cmd)
        if isinstance(d, dict) and len(d) == 1 and \
                isinstance(next(iter(d.values())), dict):
            d = next(iter(d.values()))  # per-shard dictionaries
        for k, v in (d or {}).items():
            if isinstance(v, int):
                out[f"{tag}.{k}"] = v
    return out


def counter_delta(c0, c1):
    """Non-zero growths; gauges (CurrEstab, the busy-poll window) as
    their end value."""
    d = {k: v - c0.get(k, 0) for k, v in c1.items() if v != c0.get(k, 0)}
    for g in ("tcp.CurrEstab", "softnet.busy_poll_us"):
        if c1.get(g):
            d[g] = c1[g]
    return d


def log_has(path, text):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return text in f.read()
    except OSError:
        return False


class Run:
    """One benchmark run: temp dir, namespace, processes, clean-up."""

    def __init__(self, args):
        self.args = args
        self.build = os.path.abspath(args.build)
        self.bench = os.path.join(self.build, "app", "pollnet-bench")
        self.tag = "tbench-" + "".join(t + "-" for t in (pntag.tag(), getattr(args, "tag", "")) if t)
        self.tmp = tempfile.mkdtemp(prefix=self.tag)
        self.procs = []
        self.prefixes = []
        self.ns = None
        self.seq = 0
        cpus = args.cpus.split(",")
        self.cpu_srv, self.cpu_cli = cpus[0], cpus[1]
        if os.geteuid() == 0 and shutil.which("ip") and not args.no_netns:
            self.ns = f"{self.tag}{os.getpid()}"
            subprocess.run(["ip", "netns", "add", self.ns], check=True)
            self.nsexec(["ip", "link", "set", "lo", "up"], check=True)
            # short connections from one client: TIME-WAIT reuse (the
            # default 2 already allows it on loopback; be explicit)
            self.nsexec(["sysctl", "-qw", "net.ipv4.tcp_tw_reuse=1"])

    def nsexec(self, cmd, **kw):
        pre = ["ip", "netns", "exec", self.ns] if self.ns else []
        return subprocess.run(pre + cmd, **kw)

    def linux_cmd(self, cpu, argv):
        pre = ["ip", "netns", "exec", self.ns] if self.ns else []
        return pre + ["taskset", "-c", cpu] + argv

    def start(self, name, cmd, env=None):
        log = os.path.join(self.tmp, name + ".log")
        with open(log, "w") as f:
            p = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT,
                                 env=env, start_new_session=True)
        self.procs.append(p)
        return p, log

    def stop(self, p, timeout=20):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if p in self.procs:
            self.procs.remove(p)

    def close(self):
        for p in list(self.procs):
            self.stop(p, 5)
        for pre in self.prefixes:
            shutil.rmtree(f"/var/run/dpdk/{pre}", ignore_errors=True)
        if self.ns:
            subprocess.run(["ip", "netns", "del", self.ns], check=False)
        if self.args.keep:
            print(f"kept {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def prefix(self, side):
        self.seq += 1
        pre = f"{self.tag}{os.getpid()}-{self.seq}-{side}"
        self.prefixes.append(pre)
        return pre

    # --- one measurement -------------------------------------------------

    def client(self, name, cmd, env=None):
        """Run a client to completion; its JSON summary."""
        out = os.path.join(self.tmp, name + ".json")
        p, log = self.start(name, cmd + ["--json", out, "--stats-period", "0"],
                            env)
        limit = self.args.duration + self.args.warmup + 60
        try:
            p.wait(limit)
        except subprocess.TimeoutExpired:
            self.stop(p)
            raise RuntimeError(f"{name}: no result within {limit} s; see {log}")
        self.procs.remove(p)
        if p.returncode != 0 or not os.path.exists(out):
            raise RuntimeError(f"{name}: exit {p.returncode}; see {log}:\n" +
                               open(log, errors="replace").read()[-2000:])
        with open(out) as f:
            return json.load(f)

    def sample(self, prefixes, out):
        """Busy cycles (--cycles) and counters (--counters) of each prefix
        at the start and the end of the measured window (a thread: the
        client runs meanwhile)."""
        a = self.args

        def read():
            return ([busy_cycles(p) for p in prefixes] if a.cycles else None,
                    [counters(p) for p in prefixes] if a.counters else None)

        def run():
            try:
                time.sleep(a.warmup + 0.5)
                t0 = time.monotonic()
                c0, n0 = read()
                time.sleep(max(a.duration - 1.0, 0.5))
                t1 = time.monotonic()
                c1, n1 = read()
                out["secs"] = t1 - t0
                if c0:
                    out["busy"] = [y[0] - x[0] for x, y in zip(c0, c1)]
                    out["recv"] = [y[1] - x[1] for x, y in zip(c0, c1)]
                    out["tsc_hz"] = c0[0][2]
                if n0:
                    out["counters"] = {side: counter_delta(x, y) for side, x, y
                                       in zip(("server", "client"), n0, n1)}
                    # since the start: what the warm-up dropped too
                    out["drops_total"] = {
                        side: {k: v for k, v in y.items()
                               if k.startswith("drop.") and v}
                        for side, y in zip(("server", "client"), n1)}
            except (OSError, ValueError, KeyError, TypeError) as e:
                out["error"] = str(e)
        th = threading.Thread(target=run, daemon=True)
        th.start()
        return th

    def pollnet(self, name, srv_args, cli_args, server_cmd=None, env=None,
                vhost_args="", pn_opts="", build=None, virtio_args="",
                stack="pollnet"):
        sock = os.path.join(self.tmp, name + ".sock")
        if pn_opts:
            env = dict(env if env is not None else os.environ,
                       POLLNET_OPTS=pn_opts)
        vdev = f"net_vhost0,iface={sock},queues=1"
        if vhost_args:
            vdev += "," + vhost_args
        cyc = ["--cycles"] if self.args.cycles and server_cmd is None else []
        srv_cpu, cli_cpu = self.cpu_srv, self.cpu_cli
        pre_s, pre_c = self.prefix("s"), self.prefix("c")
        bench = os.path.join(os.path.abspath(build), "app", "pollnet-bench") \
            if build else self.bench
        a = self.args
        ealv = eal(a.huge or stack in a.huge_variant, a.huge_dir,
                   a.eal_extra.get(stack, []))
        if server_cmd is None:
            server_cmd = [bench]
            ready = "pollnet-bench: running"
        else:
            ready = None
        # taskset as well as --lcores: EAL's control threads (vhost-events
        # and the like) stay on the side's own CPU, as Linux's side is pinned
        scmd = ["taskset", "-c", str(srv_cpu)] + server_cmd + ealv + [
            "--file-prefix", pre_s, "--lcores", f"0@{srv_cpu}",
            "--vdev", vdev, "--",
            "--addr", f"{SERVER_IP}/24"] + srv_args + cyc
        srv, slog = self.start(name + "-server", scmd, env)
        try:
            if ready:
                wait_for(f"{name} server", lambda: log_has(slog, ready) or
                         srv.poll() is not None)
            else:
                wait_for(f"{name} server socket", lambda: os.path.exists(sock)
                         or srv.poll() is not None)
            if srv.poll() is not None:
                raise RuntimeError(f"{name} server exited; see {slog}")
            ccmd = ["taskset", "-c", str(cli_cpu), bench] + ealv + [
                "--file-prefix", pre_c, "--lcores", f"0@{cli_cpu}",
                "--vdev", f"virtio_user0,path={sock},queues=1" +
                (f",{virtio_args}" if virtio_args else ""), "--",
                "--addr", CLIENT_ADDR] + cli_args + cyc
            samples = {}
            th = self.sample([pre_s, pre_c], samples) \
                if cyc or self.args.counters else None
            j = self.client(name + "-client", ccmd, env)
            if th is not None:
                th.join(5)
                j["cycles_sample"] = samples
            return j
        finally:
            self.stop(srv)

    def linux(self, name, srv_args, cli_args, server_cmd=None, env=None,
              ready_file=None):
        if server_cmd is None:
            server_cmd = [self.bench, "--", "--stack", "linux"] + srv_args
            ready = "pollnet-bench: running"
        else:
            ready = None
        srv, slog = self.start(name + "-server",
                               self.linux_cmd(self.cpu_srv, server_cmd), env)
        try:
            if ready:
                wait_for(f"{name} server", lambda: log_has(slog, ready) or
                         srv.poll() is not None)
            elif ready_file:
                wait_for(f"{name} server", lambda: os.path.exists(ready_file)
                         or srv.poll() is not None)
            if srv.poll() is not None:
                raise RuntimeError(f"{name} server exited; see {slog}")
            ccmd = self.linux_cmd(self.cpu_cli, [self.bench, "--", "--stack",
                                                  "linux"] + cli_args)
            return self.client(name + "-client", ccmd)
        finally:
            self.stop(srv)

    def nginx_conf(self, port):
        d = os.path.join(self.tmp, "nginx")
        os.makedirs(os.path.join(d, "html"), exist_ok=True)
        with open(os.path.join(d, "html", "index.html"), "w") as f:
            f.write("hello\n")
        conf = os.path.join(d, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""worker_processes 1;
daemon off;
master_process off;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 16384; }}
http {{
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 600s;
  server {{
    listen 127.0.0.1:{port} backlog=4096;
    root {d}/html;
  }}
}}
""")
        return conf, os.path.join(d, "nginx.pid")


def cycles_per_byte(case, j):
    """Busy cycles per byte moved [server, client], then the receiving
    side's receive cycles (poll + gro + input) per byte; or None."""
    smp = j.get("cycles_sample")
    if not smp or "busy" not in smp or not case.startswith("stream"):
        return None
    nbytes = metric(case, j) * 1e6 / 8 * smp["secs"]
    if nbytes <= 0:
        return None
    rx = 0 if case == "stream-c2s" else 1  # the server receives in c2s
    return [b / nbytes for b in smp["busy"]] + [smp["recv"][rx] / nbytes]


def cyc_note(case, j):
    c = cycles_per_byte(case, j)
    if c:
        return f"  cycles/B {c[0]:.2f} / {c[1]:.2f} receive {c[2]:.2f}"
    err = j.get("cycles_sample", {}).get("error")
    return f"  cycles: {err}" if err else ""


def metric(case, j):
    if case.startswith("stream-c2s"):
        return j["tx_mbps"]
    if case.startswith("stream-s2c"):
        return j["rx_mbps"]
    return j["transactions_per_s"]


def cases(args):
    """(case, unit, engine args for both sides, client-only args)."""
    dur = ["--duration", str(args.duration), "--warmup", str(args.warmup)]
    out = []
    sel = args.cases.split(",")
    if "rr" in sel:
        for n in args.rr_conns.split(","):
            for rate in args.rr_rate.split(","):
                # paced (--rr-rate): a light load, the client's --rate
                out.append((f"rr-64-c{n}" + (f"-r{rate}" if rate != "0"
                                             else ""), "trans/s",
                            ["--engine", "tcp-rr", "--req-size", "64",
                             "--resp-size", "64"],
                            ["--conns", n] + dur +
                            (["--rate", rate] if rate != "0" else [])))
    if "crr" in sel:
        out.append(("crr", "conns/s",
                    ["--engine", "tcp-crr", "--req-size", "64",
                     "--resp-size", "64"],
                    ["--conns", str(args.crr_conns)] + dur +
                    ([] if args.crr_fin else ["--linger0"])))
    if "stream" in sel:
        for d in ("c2s", "s2c"):
            out.append((f"stream-{d}", "Mbit/s",
                        ["--engine", "tcp-stream", "--direction", d],
                        ["--conns", "1"] + dur))
    if "http" in sel:
        out.append(("http", "req/s", ["--engine", "http"],
                    ["--conns", str(args.http_conns)] + dur))
    return out


def run_case(r, case, both, cli, port, stack, var=("", "", None, "")):
    name = f"{case}-{stack}-{r.seq}"
    if case == "http":
        env = dict(os.environ, PN_HTTP_PORT=str(port))
        if stack != "linux":
            srv = [os.path.join(r.build, "app", "http")]
            return r.pollnet(name, [], both + ["--connect",
                             f"{SERVER_IP}:{port}"] + cli, srv, env,
                             vhost_args=var[0], pn_opts=var[1], build=var[2],
                             virtio_args=var[3], stack=stack)
        srv = [os.path.join(r.build, "app", "http-linux")]
        # http-linux prints nothing when ready: the client retries its
        # connects during the warm-up
        return r.linux(name, [], both + ["--connect", f"127.0.0.1:{port}"] + cli,
                       srv, env)
    if case == "http-nginx":
        conf, pid = r.nginx_conf(port)
        srv = ["nginx", "-c", conf, "-p", os.path.dirname(conf)]
        return r.linux(name, [], both + ["--connect", f"127.0.0.1:{port}"] + cli,
                       srv, ready_file=pid)
    if stack == "linux-spin":   # both engines spin on epoll_wait(0)
        both = both + ["--busy-poll"]
    srv_args = both + ["--role", "server", "--port", str(port)]
    if stack not in ("linux", "linux-spin"):
        return r.pollnet(name, srv_args, both + ["--connect",
                         f"{SERVER_IP}:{port}"] + cli,
                         vhost_args=var[0], pn_opts=var[1], build=var[2],
                         virtio_args=var[3], stack=stack)
    return r.linux(name, srv_args, both + ["--connect", f"127.0.0.1:{port}"] + cli)


def summarize(results):
    rows = []
    for case, d in results.items():
        row = {"case": case, "unit": d["unit"]}
        for stack in [k for k in d if k != "unit"]:
            runs = d.get(stack)
            if not runs:
                continue
            vals = [metric(case, j) for j in runs]
            cpb = [c for c in (cycles_per_byte(case, j) for j in runs) if c]
            row[stack] = {
                "cycles_per_byte": [statistics.median(c[i] for c in cpb)
                                    for i in range(3)] if cpb else None,
                "values": vals,
                "median": statistics.median(vals),
                "p50_us": statistics.median(j["latency_us"]["p50"] for j in runs)
                if runs[0]["latency_us"]["count"] else None,
                "p99_us": statistics.median(j["latency_us"]["p99"] for j in runs)
                if runs[0]["latency_us"]["count"] else None,
                "p90_us": statistics.median(j["latency_us"]["p90"] for j in runs)
                if runs[0]["latency_us"]["count"] else None,
                "p99_9_us": statistics.median(j["latency_us"]["p99_9"]
                                              for j in runs)
                if runs[0]["latency_us"]["count"] else None,
                "errors": sum(j["errors"] for j in runs),
            }
        if "pollnet" in row and "linux" in row and row["linux"]["median"] > 0:
            row["ratio"] = row["pollnet"]["median"] / row["linux"]["median"]
        rows.append(row)
    return rows


def markdown_variants(rows, meta, stacks):
    """One column per pollnet variant (median, its ratio to linux, busy
    cycles per byte server / client when sampled), then linux."""
    head = "| case | unit | " + " | ".join(stacks) + " |"
    out = [f"Medians of {meta['reps']} interleaved runs, {meta['duration_s']} s "
           f"each after {meta['warmup_s']} s warm-up; server on CPU "
           f"{meta['cpu_server']}, client on CPU {meta['cpu_client']}. "
           "Variants (name: net_vhost devargs; POLLNET_OPTS; virtio_user "
           "devargs): " +
           "; ".join(f"{n}: {v[0] or '-'}; {v[1] or '-'}; {v[3] or '-'}" +
                     (f"; build {v[2]}" if v[2] else "") +
                     ("; 2 MB hugepages" if meta.get("huge") or
                      n in meta.get("huge_variants", []) else "") +
                     (f"; EAL {' '.join(meta['eal_extra'][n])}"
                      if n in meta.get("eal_extra", {}) else "")
                     for n, v in meta["variants"].items()) + ". "
           "Cells: median (ratio to linux) [busy cycles/byte server / client; "
           "the receiver's receive cycles/byte: poll + gro + input].",
           "", head, "| --- | --- |" + " ---: |" * len(stacks)]
    for r in rows:
        cells = []
        for s in stacks:
            if s == "linux" and s not in r and "nginx" in r:
                s = "nginx"  # the http-nginx row: nginx in the linux column
            if s not in r:
                cells.append("-")
                continue
            c = f"{r[s]['median']:,.0f}"
            if s != "linux" and "linux" in r and r["linux"]["median"] > 0:
                c += f" ({r[s]['median'] / r['linux']['median']:.2f})"
            if r[s].get("cycles_per_byte"):
                c += " [{:.2f} / {:.2f}; {:.2f}]".format(*r[s]["cycles_per_byte"])
            cells.append(c)
        out.append(f"| {r['case']} | {r['unit']} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def markdown(rows, meta):
    out = [f"Medians of {meta['reps']} interleaved runs, {meta['duration_s']} s "
           f"each after {meta['warmup_s']} s warm-up; server on CPU "
           f"{meta['cpu_server']}, client on CPU {meta['cpu_client']}" +
           ("; pollnet on 2 MB hugepages" if meta.get("huge") else "") +
           ".", "",
           "| case | unit | pollnet | linux | pollnet/linux | p50 us pollnet / linux | p99 us pollnet / linux | errors |",
           "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        def v(s, k="median", fmt="{:,.0f}"):
            return fmt.format(r[s][k]) if s in r and r[s][k] is not None else "-"
        lin = "linux" if "linux" in r else "nginx"
        ratio = f"{r['ratio']:.2f}" if "ratio" in r else "-"
        errs = sum(r[s]["errors"] for s in ("pollnet", "linux", "nginx") if s in r)
        lat = (lambda k: f"{v('pollnet', k, '{:.1f}')} / {v(lin, k, '{:.1f}')}")
        name = r["case"] + (" (nginx)" if lin == "nginx" else "")
        out.append(f"| {name} | {r['unit']} | {v('pollnet')} | {v(lin)} | "
                   f"{ratio} | {lat('p50_us')} | {lat('p99_us')} | {errs} |")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, epilog=pntag.HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "build"))
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--cases", default="rr,crr,stream,http,nginx",
                    help="comma list of rr,crr,stream,http,nginx")
    ap.add_argument("--rr-conns", default="1,16,256,4096")
    ap.add_argument("--rr-rate", default="0",
                    help="rr cases paced: requests/s per connection, "
                    "comma separated, 0 unpaced (a light load: compare "
                    "the server's softnet.sleep_ns with --counters)")
    ap.add_argument("--crr-conns", type=int, default=16)
    ap.add_argument("--crr-fin", action="store_true",
                    help="close tcp-crr connections with FIN (default: RST, "
                    "SO_LINGER 0: pollnet's client has no TIME-WAIT reuse, "
                    "it runs out of ports within seconds)")
    ap.add_argument("--http-conns", type=int, default=64)
    ap.add_argument("--cpus", default="1,0", help="SERVER_CPU,CLIENT_CPU")
    ap.add_argument("--out", default=".", help="directory for bench-tcp.json/.md")
    ap.add_argument("--no-netns", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the logs")
    ap.add_argument("--vhost-args", default="",
                    help="more net_vhost devargs for the pollnet server "
                    "(tso=1: the virtio client may negotiate TSO)")
    ap.add_argument("--virtio-args", default="",
                    help="more virtio_user devargs for the pollnet client "
                    "(in_order=0, packed_vq=1, queue_size=1024, ...)")
    ap.add_argument("--pollnet-args", default="",
                    help="pollnet options for both pollnet sides, passed in "
                    "POLLNET_OPTS (--no-tso --no-lro --no-tx-cksum --no-gro)")
    ap.add_argument("--variant", action="append", default=[],
                    metavar="NAME:VHOST_ARGS:POLLNET_OPTS[:VIRTIO_ARGS]",
                    help="a pollnet column of its own (repeatable), "
                    "interleaved with the others")
    ap.add_argument("--cycles", action="store_true",
                    help="cycle accounting on the pollnet sides: busy "
                    "cycles per byte for the stream cases")
    ap.add_argument("--linux-spin", action="store_true",
                    help="also a 'linux-spin' column: the same engines on "
                    "Linux with --busy-poll (epoll_wait with timeout 0 on "
                    "both sides, never sleeping, as pollnet's loop polls); "
                    "not for http")
    ap.add_argument("--no-linux", action="store_true",
                    help="skip the linux runs")
    ap.add_argument("--variant-build", action="append", default=[],
                    metavar="NAME:DIR",
                    help="run variant NAME with DIR's pollnet-bench (a "
                    "baseline build, interleaved with the others)")
    ap.add_argument("--counters", action="store_true",
                    help="both pollnet sides' counters over the measured "
                    "window (TCP MIB, drops, softnet, ethdev): non-zero "
                    "deltas per run")
    ap.add_argument("--tag", default="",
                    help="a word for the DPDK file prefixes and the netns name")
    ap.add_argument("--huge", action="store_true",
                    help="every pollnet column on 2 MB hugepages (-m 512 "
                    "each: 256 free pages per process, two at a time) "
                    "instead of --no-huge")
    ap.add_argument("--huge-variant", action="append", default=[],
                    metavar="NAME",
                    help="variant NAME alone on 2 MB hugepages (repeatable: "
                    "A/B against --no-huge in the same run)")
    ap.add_argument("--huge-dir", default="",
                    help="the hugetlbfs mount for --huge/--huge-variant "
                    "(EAL --huge-dir; default: the one EAL finds)")
    ap.add_argument("--variant-eal", action="append", default=[],
                    metavar="NAME:EAL_ARGS",
                    help="more EAL arguments (space separated) for variant "
                    "NAME, e.g. 'lifo:--mbuf-pool-ops-name stack'")
    args = ap.parse_args()
    pntag.tag()
    variants = {}
    for v in args.variant:
        parts = v.split(":", 3)
        if len(parts) < 3 or not parts[0] or parts[0] in ("linux", "nginx"):
            ap.error(f"--variant {v}: expected "
                     "NAME:VHOST_ARGS:POLLNET_OPTS[:VIRTIO_ARGS]")
        variants[parts[0]] = (parts[1], parts[2], None,
                              parts[3] if len(parts) == 4 else "")
    if not variants:
        variants["pollnet"] = (args.vhost_args, args.pollnet_args, None,
                               args.virtio_args)
    for v in args.variant_build:
        name, _, d = v.partition(":")
        if name not in variants or not os.path.exists(
                os.path.join(d, "app", "pollnet-bench")):
            ap.error(f"--variant-build {v}: expected NAME:DIR, NAME one of "
                     f"{', '.join(variants)}, DIR a build with app/pollnet-bench")
        variants[name] = variants[name][:2] + (d,) + variants[name][3:]
    stacks = list(variants) + ([] if args.no_linux else ["linux"]) + \
        (["linux-spin"] if args.linux_spin else [])
    args.eal_extra = {}
    for v in args.variant_eal:
        name, _, words = v.partition(":")
        if name not in variants or not words.split():
            ap.error(f"--variant-eal {v}: expected NAME:EAL_ARGS, NAME one "
                     f"of {', '.join(variants)}")
        args.eal_extra[name] = words.split()
    for name in args.huge_variant:
        if name not in variants:
            ap.error(f"--huge-variant {name}: not a variant (one of "
                     f"{', '.join(variants)})")
    if (args.huge or args.huge_variant) and hugepages_free() < 512:
        ap.error(f"--huge/--huge-variant: {hugepages_free()} free 2 MB "
                 "hugepages, need 512 (two processes of -m 512); as root: "
                 "echo 512 > /sys/kernel/mm/hugepages/hugepages-2048kB/"
                 "nr_hugepages, and a hugetlbfs mount (--huge-dir)")

    r = Run(args)
    results = {}
    port = 5100
    try:
        todo = cases(args)
        for rep in range(args.reps):
            for case, unit, both, cli in todo:
                for stack in stacks:
                    if stack == "linux-spin" and case == "http":
                        continue    # http-linux has no spinning mode
                    port += 1
                    j = run_case(r, case, both, cli, port, stack,
                                 variants.get(stack, ("", "", None, "")))
                    results.setdefault(case, {"unit": unit}).setdefault(
                        stack, []).append(j)
                    lat = j["latency_us"]
                    print(f"rep {rep + 1} {case:12s} {stack:8s} "
                          f"{metric(case, j):14,.1f} {unit}  p50 "
                          f"{lat['p50']:.1f} p90 {lat['p90']:.1f} p99 "
                          f"{lat['p99']:.1f} p99.9 {lat['p99_9']:.1f} max "
                          f"{lat['max']:.1f} us  errors "
                          f"{j['errors']}" + cyc_note(case, j), flush=True)
                    smp = j.get("cycles_sample", {})
                    for side, d in smp.get("counters", {}).items():
                        print(f"    {side}: " + " ".join(
                            f"{k}={v}" for k, v in sorted(d.items())),
                            flush=True)
                    for side, d in smp.get("drops_total", {}).items():
                        print(f"    {side} drops since start: " + " ".join(
                            f"{k}={v}" for k, v in sorted(d.items())),
                            flush=True)
            if "nginx" in args.cases.split(",") and shutil.which("nginx"):
                port += 1
                both = ["--engine", "http"]
                cli = ["--conns", str(args.http_conns), "--duration",
                       str(args.duration), "--warmup", str(args.warmup)]
                j = run_case(r, "http-nginx", both, cli, port, "linux")
                results.setdefault("http-nginx", {"unit": "req/s"}).setdefault(
                    "nginx", []).append(j)
                print(f"rep {rep + 1} {'http-nginx':12s} {'nginx':8s} "
                      f"{metric('http', j):14,.1f} req/s  errors {j['errors']}",
                      flush=True)
    except RuntimeError as e:
        print(f"bench-tcp: {e}", file=sys.stderr)
        return 1
    finally:
        r.close()
    meta = {"reps": args.reps, "duration_s": args.duration,
            "warmup_s": args.warmup, "cpu_server": r.cpu_srv,
            "cpu_client": r.cpu_cli, "netns": r.ns is not None,
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "kernel": os.uname().release, "variants": variants,
            "cycles": args.cycles, "huge": args.huge,
            "huge_variants": args.huge_variant, "eal_extra": args.eal_extra}
    rows = summarize(results)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "bench-tcp.json"), "w") as f:
        json.dump({"meta": meta, "rows": rows, "runs": results}, f, indent=1)
    md = markdown(rows, meta) if list(variants) == ["pollnet"] and \
        not args.cycles and not args.no_linux and not args.linux_spin else \
        markdown_variants(rows, meta, stacks)
    with open(os.path.join(args.out, "bench-tcp.md"), "w") as f:
        f.write(md)
    print()
    print(md, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Two lcores against one: pollnet-bench's TCP engines (tcp-rr 64 B, tcp-crr)
with the pollnet server on 1 and on 2 lcores, pollnet client to pollnet
server over vhost-user (server 198.18.0.1, client 198.18.0.2), no hugepages.

Configurations (SRV = server lcores, CLI = client lcores):
  1        SRV 1, CLI 1, one queue pair, client and server joined directly.
  2-rss    SRV 2, CLI 2, two queue pairs joined directly: the client
           spreads its flows (device RSS emulated by the peer): client
           shard i sends on its TX queue i, which is the server's RX queue
           i, and picks ephemeral ports (lib/tcp pick_port) whose
           symmetric Toeplitz hash maps to shard i on both sides. Nothing
           should need steering on either side.
  2-steer  SRV 2, CLI 1, through an L2 bridge (pollnet-bench io, one
           lcore) that sends every packet to the server on RX queue 0: a
           peer that does not spread. Server shard 0 receives all and
           steers (lib/core/steer.c) half to shard 1; both send on their
           own TX queue, which the bridge polls. (pn_init has no
           "fewer queues than shards" option yet, pollnetd's [port] queues:
           the bridge stands for the single-queue peer.)
  1-bridge SRV 1, CLI 1, through the same bridge: the baseline for 2-steer.
  1-half   as 1, with half the connections: one server lcore carrying what
           each lcore of 2-rss carries (same connections per lcore, similar
           batching), the control for "does the per-lcore cost grow".
  1-shared as 1, with the client on the server's CPU (CPU0; CPU1 left
           idle): one server lcore sharing its CPU with a client lcore, as
           each lcore of 2-rss does; the control for CPU sharing.

The machine has 2 CPUs for everything, so wall-clock throughput cannot
show scaling by itself: server lcores sit on CPU0 (and CPU1), the client
(and the bridge) share them. What is measured, per server lcore:
  - busy cycles per transaction: /pollnet/cycles (pollnet-bench --cycles),
    every loop phase but idle (TSC cycles; a thread preempted inside a
    phase is charged for the time it waited, so sharing inflates it);
  - CPU time per transaction: utime+stime of the lcore's thread
    (/proc/PID/task/TID/stat, 10 ms ticks; counts only time on a CPU, so
    preemption does not inflate it (the involuntary context switches of
    the thread are counted too), but the loop's busy-poll before
    sleeping (50 us) does; a server that never sleeps, pollnet-bench
    --busy-poll, counts its empty polls as busy: not a cost measure);
  - steered packets (/pollnet/softnet steered_out) per transaction.
All are read after the client stopped (cycles and transactions counted
from the server's start: connection set-up is included, the run is long
enough for RR to make it negligible; for CRR it is the point). If the
per-lcore cost at 2 lcores stays that of 1 lcore, the work per
transaction does not grow with lcores (no shared state): capacity
doubles with a CPU per lcore.

--callgrind: instructions instead (configs 1 and 2-rss): the server runs
under valgrind --tool=callgrind --fair-sched=yes --separate-threads=yes
with --busy-poll (under callgrind a sleeping server misses its RX wake-ups;
without fair scheduling one spinning lcore starves the other), counts
zeroed once it runs (callgrind_control -z); a native client runs for
--duration seconds (15 is enough). Per lcore thread (the busiest threads),
the inclusive instructions of the loop's main functions per transaction:
what grows with lcores and what does not. Deterministic but for the
polling, which depends on how many rounds each transaction takes.

usage: tools/bench-scale.py [--build DIR] [--duration S] [--warmup S]
                            [--reps N] [--cases rr,crr] [--configs LIST]
                            [--rr-conns N] [--crr-conns N] [--out DIR] [--keep]
                            [--callgrind]
"""
import argparse
import glob
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import time
from importlib.machinery import SourceFileLoader

import pntag

TOOLS = os.path.dirname(os.path.abspath(__file__))


def load(name, path):
    loader = SourceFileLoader(name, path)
    spec = importlib.util.spec_from_loader(name, loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


bt = load("bench_tcp", os.path.join(TOOLS, "bench-tcp.py"))
ctl = load("pollnetctl", os.path.join(TOOLS, "pollnetctl"))

EAL = bt.EAL
SERVER_IP, CLIENT_ADDR = bt.SERVER_IP, bt.CLIENT_ADDR
PHASES = ("poll", "gro", "input", "timers", "tx", "events", "app")

# name: server lcores, client lcores, bridge between them, connections / N,
# the client's first CPU
CONFIGS = {
    "1": (1, 1, False, 1, "1"),
    "2-rss": (2, 2, False, 1, "1"),
    "2-steer": (2, 1, True, 1, "1"),
    "1-bridge": (1, 1, True, 1, "1"),
    "1-half": (1, 1, False, 2, "1"),
    "1-shared": (1, 1, False, 1, "0"),
}


def lcores(n, first_cpu):
    """'0@C,1@C[,2@other]': a main lcore (it sleeps) and n shards, the
    first on first_cpu, the second on the other CPU."""
    other = "1" if first_cpu == "0" else "0"
    cpus = [first_cpu, other][:n]
    return ",".join([f"0@{first_cpu}"] + [f"{i + 1}@{c}" for i, c in enumerate(cpus)])


def tel(prefix, cmds):
    """Several telemetry commands of a running process."""
    t = ctl.Telemetry(prefix)
    try:
        return {c: t(c) for c in cmds}
    finally:
        t.s.close()


def shards(d):
    return [d[k] for k in sorted(d or {}, key=int)]


def thread_cpu(pid):
    """Of each rte-worker-N thread, by lcore id: utime+stime in seconds
    and the involuntary context switches (preempted while runnable)."""
    hz = os.sysconf("SC_CLK_TCK")
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            comm = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
            st = open(f"/proc/{pid}/task/{tid}/stat").read()
            status = open(f"/proc/{pid}/task/{tid}/status").read()
        except OSError:
            continue
        if not comm.startswith("rte-worker-"):
            continue
        f = st.rsplit(")", 1)[1].split()
        nvcs = [int(line.split()[1]) for line in status.splitlines()
                if line.startswith("nonvoluntary_ctxt_switches")]
        out[int(comm.rsplit("-", 1)[1])] = ((int(f[11]) + int(f[12])) / hz,
                                            nvcs[0] if nvcs else 0)
    return out


class Scale(bt.Run):
    def bridge(self, name, cli_sock, srv_sock):
        pre = self.prefix("b")
        cmd = [self.bench] + EAL + [
            "--file-prefix", pre, "--lcores", "0@1,1@1",
            "--vdev", f"net_vhost0,iface={cli_sock},queues=2",
            "--vdev", f"net_vhost1,iface={srv_sock},queues=2", "--",
            "--forward-mode=io", "--rxq=2", "--txq=2", "--stats-period=0",
            "--json", os.path.join(self.tmp, name + "-bridge.json")]
        p, log = self.start(name + "-bridge", cmd)
        bt.wait_for(f"{name} bridge", lambda: bt.log_has(log, "pollnet-bench: running io")
                    or p.poll() is not None)
        if p.poll() is not None:
            raise RuntimeError(f"{name}: the bridge exited; see {log}")
        return p

    def measure(self, name, cfg, both, cli_args):
        nsrv, ncli, via_bridge, div, cli_cpu = CONFIGS[cfg]
        i = cli_args.index("--conns") + 1
        cli_args = cli_args[:i] + [str(max(1, int(cli_args[i]) // div))] + cli_args[i + 1:]
        a = self.args
        srv_sock = os.path.join(self.tmp, name + "-srv.sock")
        cli_sock = os.path.join(self.tmp, name + "-cli.sock")
        bridge = None
        if via_bridge:
            bridge = self.bridge(name, cli_sock, srv_sock)
            srv_dev = f"virtio_user0,path={srv_sock},queues=2"
            cli_dev = f"virtio_user0,path={cli_sock},queues=2"
        else:
            srv_dev = f"net_vhost0,iface={srv_sock},queues={nsrv}"
            cli_dev = f"virtio_user0,path={srv_sock},queues={ncli}"
        pre_s, pre_c = self.prefix("s"), self.prefix("c")
        sjson = os.path.join(self.tmp, name + "-server.json")
        cjson = os.path.join(self.tmp, name + "-client.json")
        srv, slog = self.start(name + "-server", [self.bench] + EAL + [
            "--file-prefix", pre_s, "--lcores", lcores(nsrv, "0"),
            "--vdev", srv_dev, "--", "--addr", f"{SERVER_IP}/24", "--cycles",
            "--role", "server", "--port", "5001", "--warmup", "0",
            "--stats-period", "0", "--json", sjson] + both)
        try:
            bt.wait_for(f"{name} server", lambda: bt.log_has(
                slog, "pollnet-bench: running") or srv.poll() is not None)
            if srv.poll() is not None:
                raise RuntimeError(f"{name} server exited; see {slog}")
            # the client runs until SIGTERM: its counters are read first
            cli, clog = self.start(name + "-client", [self.bench] + EAL + [
                "--file-prefix", pre_c, "--lcores", lcores(ncli, cli_cpu),
                "--vdev", cli_dev, "--", "--addr", CLIENT_ADDR,
                "--connect", f"{SERVER_IP}:5001", "--duration", "0",
                "--warmup", str(a.warmup), "--stats-period", "0",
                "--json", cjson] + both + cli_args)
            bt.wait_for(f"{name} client", lambda: bt.log_has(
                clog, "pollnet-bench: running") or cli.poll() is not None)
            end = time.monotonic() + a.warmup + a.duration
            while time.monotonic() < end and cli.poll() is None:
                time.sleep(0.1)
            if cli.poll() is not None:
                raise RuntimeError(f"{name} client exited; see {clog}")
            ctel = tel(pre_c, ["/pollnet/softnet"] + [
                f"/pollnet/tcp,{i}" for i in range(ncli)])
            self.stop(cli)
            if cli.returncode != 0:
                raise RuntimeError(f"{name} client: exit {cli.returncode}; see {clog}")
            stel = tel(pre_s, ["/pollnet/softnet", "/pollnet/cycles"] + [
                f"/pollnet/tcp,{i}" for i in range(nsrv)])
            scpu = thread_cpu(srv.pid)
        finally:
            self.stop(srv)
            if bridge is not None:
                self.stop(bridge)
        with open(cjson) as f:
            c = json.load(f)
        with open(sjson) as f:
            s = json.load(f)
        return summarize_run(cfg, c, s, ctel, stel, scpu)


    def callgrind(self, name, cfg, both, cli_args):
        """Inclusive Ir per transaction of CG_FUNCS, per server lcore."""
        nsrv, ncli = CONFIGS[cfg][0], CONFIGS[cfg][1]
        sock = os.path.join(self.tmp, name + ".sock")
        out = os.path.join(self.tmp, name + ".cg")
        sjson = os.path.join(self.tmp, name + "-server.json")
        srv, slog = self.start(name + "-server", [
            "valgrind", "--tool=callgrind", "--fair-sched=yes",
            "--separate-threads=yes", f"--callgrind-out-file={out}.%p",
            self.bench] + EAL + [
            "--file-prefix", self.prefix("s"), "--lcores", lcores(nsrv, "0"),
            "--vdev", f"net_vhost0,iface={sock},queues={nsrv}", "--",
            "--addr", f"{SERVER_IP}/24", "--role", "server", "--port", "5001",
            "--busy-poll", "--stats-period", "0", "--json", sjson] + both)
        try:
            bt.wait_for(f"{name} server", lambda: bt.log_has(
                slog, "pollnet-bench: running") or srv.poll() is not None, 300)
            if srv.poll() is not None:
                raise RuntimeError(f"{name} server exited; see {slog}")
            subprocess.run(["callgrind_control", "-z", str(srv.pid)],
                           capture_output=True, timeout=60)
            self.client(name + "-client", [self.bench] + EAL + [
                "--file-prefix", self.prefix("c"), "--lcores", lcores(ncli, "1"),
                "--vdev", f"virtio_user0,path={sock},queues={ncli}", "--",
                "--addr", CLIENT_ADDR, "--connect", f"{SERVER_IP}:5001",
                "--duration", str(self.args.duration), "--warmup", "0"]
                + both + cli_args)
        finally:
            self.stop(srv, 180)
        with open(sjson) as f:
            tr = sum(t["since_start"]["transactions"] for t in json.load(f)["per_thread"])
        files = []
        for fn in glob.glob(out + ".*-*"):
            with open(fn) as f:
                m = re.search(r"^totals: (\d+)", f.read(), re.M)
            files.append((int(m.group(1)) if m else 0, fn))
        # the lcores are the busiest threads; they served even shares
        lc = [cg_inclusive(fn) for _, fn in sorted(files, reverse=True)[:nsrv]]
        return {"config": cfg, "transactions": tr,
                "ir_per_trans": [{k: d.get(k, 0) * nsrv / tr for k in CG_FUNCS}
                                 for d in lc] if tr else []}


# the loop, its RX path, the protocol and the socket calls (inclusive)
CG_FUNCS = ("pollnet_loop", "pn_lcore_round", "rxq_poll", "lcore_rx_steer",
            "pn_steer_hash", "pn_net_rx", "tcp_input", "tcp_output", "pn_tx_flush",
            "pn_timer_wheel_run", "pn_accept4", "pn_close", "pn_read", "pn_send",
            "calloc", "sock_fd_get", "rte_hash_lookup_data")


def cg_inclusive(path):
    """Inclusive Ir by function name of one callgrind output file."""
    out = subprocess.run(["callgrind_annotate", "--auto=no", "--inclusive=yes",
                          "--threshold=100", path], capture_output=True,
                         text=True, check=True).stdout
    d = {}
    for line in out.splitlines():
        m = re.match(r"^\s*([\d,]+) \([^)]*\)\s+\S+?:(\S+)", line)
        if m:
            d[m.group(2)] = d.get(m.group(2), 0) + int(m.group(1).replace(",", ""))
    return d


def cg_markdown(res, meta):
    out = [f"Server under callgrind (--busy-poll, --fair-sched=yes), native client, "
           f"{meta['duration_s']} s; inclusive instructions per transaction of each "
           f"server lcore thread; {meta['date']}.", ""]
    for case, by_cfg in res.items():
        cols = [(f"{cfg} #{i}", d) for cfg, r in by_cfg.items()
                for i, d in enumerate(r["ir_per_trans"])]
        out += [f"{case}: transactions " + ", ".join(
                    f"{cfg} {r['transactions']:,}" for cfg, r in by_cfg.items()), "",
                "| function | " + " | ".join(c for c, _ in cols) + " |",
                "| --- |" + " ---: |" * len(cols)]
        for fn in CG_FUNCS:
            out.append(f"| {fn} | " + " | ".join(f"{d[fn]:,.0f}" for _, d in cols) + " |")
        out.append("")
    return "\n".join(out)


def main_callgrind(r, args, cases):
    res = {}
    for case, eng, cli in cases:
        for cfg in ("1", "2-rss"):
            both = eng + ["--req-size", "64", "--resp-size", "64"]
            x = r.callgrind(f"cg-{case}-{cfg}", cfg, both, cli)
            res.setdefault(case, {})[cfg] = x
            print(f"callgrind {case:6s} {cfg:6s} {x['transactions']:,} transactions, "
                  f"Ir/trans per lcore {slash(d['pollnet_loop'] for d in x['ir_per_trans'])}",
                  flush=True)
    meta = {"duration_s": args.duration,
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    write_out(args.out, "bench-scale-cg", meta, res, cg_markdown(res, meta))


def write_out(out, base, meta, results, md):
    """OUT/BASE.json (meta and results) and OUT/BASE.md; the table on stdout."""
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, base + ".json"), "w") as f:
        json.dump({"meta": meta, "results": results}, f, indent=1)
    with open(os.path.join(out, base + ".md"), "w") as f:
        f.write(md)
    print()
    print(md, end="")


def summarize_run(cfg, c, s, ctel, stel, scpu):
    """The numbers of one run: client rate, per server lcore cost, where the
    connections went, what was steered."""
    cyc = shards(stel["/pollnet/cycles"])
    sn = shards(stel["/pollnet/softnet"])
    r = {"config": cfg, "tps": c["transactions_per_s"],
         "p50_us": c["latency_us"]["p50"], "p99_us": c["latency_us"]["p99"],
         "errors": c["errors"],
         "client_conns": [t["since_start"]["conns_opened"] for t in c["per_thread"]],
         "client_steered": sum(x["steered_out"] for x in shards(ctel["/pollnet/softnet"])),
         "client_syn_retrans": sum(ctel[k]["TCPSynRetrans"] for k in ctel if k.startswith("/pollnet/tcp,")),
         "client_active_opens": [ctel[f"/pollnet/tcp,{i}"]["ActiveOpens"]
                                 for i in range(len(c["per_thread"]))],
         "client_estab": [ctel[f"/pollnet/tcp,{i}"]["CurrEstab"]
                          for i in range(len(c["per_thread"]))],
         "server": []}
    for i, t in enumerate(s["per_thread"]):
        n = t["since_start"]["transactions"]
        busy = sum(cyc[i][p] for p in PHASES)
        cpu, preempted = scpu.get(sn[i]["lcore"], (0.0, 0))
        r["server"].append({
            "transactions": n, "accepted": t["since_start"]["conns_accepted"],
            "rx_packets": cyc[i]["rx_packets"],
            "rx_per_trans": cyc[i]["rx_packets"] / n if n else None,
            "busy_cycles": busy, "tsc_hz": cyc[i]["tsc_hz"], "cpu_s": cpu,
            "cycles_per_trans": busy / n if n else None,
            "cpu_us_per_trans": cpu * 1e6 / n if n else None,
            "steered_out": sn[i]["steered_out"], "steered_in": sn[i]["steered_in"],
            # packets per loop round that found work: batching, which
            # spreading the same load over more lcores reduces
            "pkts_per_busy_round": (sn[i]["processed"] / sn[i]["busy_rounds"]
                                    if sn[i]["busy_rounds"] else None),
            "sleeps_per_trans": sn[i]["sleeps"] / n if n else None,
            "preempted_per_trans": preempted / n if n else None,
            # rounds that found nothing count as busy (poll phase): the
            # spin before each sleep, more of it per transaction at low load
            "empty_rounds_per_trans": ((sn[i]["rounds"] - sn[i]["busy_rounds"]) / n
                                       if n else None),
            "phases_per_trans": {p: cyc[i][p] / n for p in PHASES} if n else {},
        })
    tot = sum(x["transactions"] for x in r["server"])
    r["server_cycles_per_trans"] = (sum(x["busy_cycles"] for x in r["server"]) / tot
                                    if tot else None)
    r["server_cpu_us_per_trans"] = (sum(x["cpu_s"] for x in r["server"]) * 1e6 / tot
                                    if tot else None)
    r["steered_per_trans"] = (sum(x["steered_out"] for x in r["server"]) / tot
                              if tot else None)
    return r


def slash(vals):
    """'a / b': one value per lcore."""
    return " / ".join(f"{v:,.0f}" if v is not None else "-" for v in vals)


def per_lcore(runs, nl, key, fmt, scale=1):
    """Median of runs for each server lcore, 'a / b'."""
    vals = [med(runs, lambda r, i=i: r["server"][i][key]) for i in range(nl)]
    return " / ".join(fmt.format(v * scale) if v is not None else "-" for v in vals)


def med(runs, f):
    vals = [f(r) for r in runs if f(r) is not None]
    return statistics.median(vals) if vals else None


def markdown(results, meta):
    out = [f"Medians of {meta['reps']} interleaved runs, {meta['duration_s']} s measured "
           f"after {meta['warmup_s']} s warm-up; {meta['date']}, kernel {meta['kernel']}. "
           "Server lcores on CPU0 (+CPU1), client lcores on CPU1 (+CPU0), "
           "bridge on CPU1: everything shares the 2 CPUs.", "",
           "| case | config | client trans/s | p50 us | p99 us | errors | "
           "server trans per lcore (last run) | conns per server lcore (last run) | "
           "conns per client lcore (last run) | steered server/client (last run) |",
           "| --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- | --- |"]
    for case, by_cfg in results.items():
        for cfg, runs in by_cfg.items():
            last = runs[-1]
            out.append(
                f"| {case} | {cfg} | {med(runs, lambda r: r['tps']):,.0f} | "
                f"{med(runs, lambda r: r['p50_us']):.1f} | {med(runs, lambda r: r['p99_us']):.1f} | "
                f"{sum(r['errors'] for r in runs)} | "
                f"{slash(x['transactions'] for x in last['server'])} | "
                f"{slash(x['accepted'] for x in last['server'])} | "
                f"{slash(last['client_conns'])} | "
                f"{sum(x['steered_out'] for x in last['server']):,} / {last['client_steered']} |")
    out += ["", "Server cost per transaction (busy TSC cycles: every loop phase but idle; "
            "CPU: utime+stime of the lcore thread), per lcore and in all:", "",
            "| case | config | busy cycles/trans per lcore | all lcores | CPU us/trans per lcore "
            "| all lcores | rx pkts per trans | steered per trans | pkts per busy round "
            "| sleeps per 100 trans | empty rounds per trans | preempted per 1000 trans |",
            "| --- | --- | --- | ---: | --- | ---: | --- | ---: | --- | --- | --- | --- |"]
    for case, by_cfg in results.items():
        for cfg, runs in by_cfg.items():
            nl = len(runs[0]["server"])
            per = " / ".join(
                f"{med(runs, lambda r, i=i: r['server'][i]['cycles_per_trans']):,.0f}"
                for i in range(nl))
            cpu = " / ".join(
                f"{med(runs, lambda r, i=i: r['server'][i]['cpu_us_per_trans']):.2f}"
                for i in range(nl))
            out.append(
                f"| {case} | {cfg} | {per} | "
                f"{med(runs, lambda r: r['server_cycles_per_trans']):,.0f} | {cpu} | "
                f"{med(runs, lambda r: r['server_cpu_us_per_trans']):.2f} | "
                f"{per_lcore(runs, nl, 'rx_per_trans', '{:.2f}')} | "
                f"{med(runs, lambda r: r['steered_per_trans']):.2f} | "
                f"{per_lcore(runs, nl, 'pkts_per_busy_round', '{:.1f}')} | "
                f"{per_lcore(runs, nl, 'sleeps_per_trans', '{:.1f}', 100)} | "
                f"{per_lcore(runs, nl, 'empty_rounds_per_trans', '{:.2f}')} | "
                f"{per_lcore(runs, nl, 'preempted_per_trans', '{:.1f}', 1000)} |")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, epilog=pntag.HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(TOOLS, "..", "build"))
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--cases", default="rr,crr")
    ap.add_argument("--configs", default="1,1-half,1-shared,2-rss,1-bridge,2-steer")
    ap.add_argument("--rr-conns", type=int, default=256)
    ap.add_argument("--crr-conns", type=int, default=16)
    ap.add_argument("--out", default=".")
    ap.add_argument("--keep", action="store_true", help="keep the logs")
    ap.add_argument("--callgrind", action="store_true",
                    help="instructions per transaction under callgrind (configs 1, 2-rss)")
    args = ap.parse_args()
    pntag.tag()
    args.cpus, args.no_netns = "0,1", True
    cfgs = args.configs.split(",")
    for cfg in cfgs:
        if cfg not in CONFIGS:
            ap.error(f"--configs: {cfg}: one of {', '.join(CONFIGS)}")
    cases = []
    for case in args.cases.split(","):
        if case == "rr":
            cases.append(("rr-64", ["--engine", "tcp-rr"], ["--conns", str(args.rr_conns)]))
        elif case == "crr":
            cases.append(("crr", ["--engine", "tcp-crr"],
                          ["--conns", str(args.crr_conns), "--linger0"]))
        else:
            ap.error(f"--cases: {case}: rr or crr")
    r = Scale(args)
    results = {}
    if args.callgrind:
        try:
            main_callgrind(r, args, cases)
        except (RuntimeError, subprocess.CalledProcessError) as e:
            print(f"bench-scale: {e}", file=sys.stderr)
            return 1
        finally:
            r.close()
        return 0
    try:
        for rep in range(args.reps):
            for case, eng, cli in cases:
                for cfg in cfgs:
                    name = f"{case}-{cfg}-{rep}"
                    both = eng + ["--req-size", "64", "--resp-size", "64"]
                    x = r.measure(name, cfg, both, cli)
                    results.setdefault(case, {}).setdefault(cfg, []).append(x)
                    print(f"rep {rep + 1} {case:6s} {cfg:8s} {x['tps']:12,.0f} trans/s  "
                          f"server cycles/trans {x['server_cycles_per_trans']:,.0f} "
                          f"({slash(s['cycles_per_trans'] for s in x['server'])})  "
                          f"CPU us/trans {x['server_cpu_us_per_trans']:.2f}  "
                          f"conns srv {[s['accepted'] for s in x['server']]} "
                          f"cli {x['client_conns']}  steered "
                          f"{sum(s['steered_out'] for s in x['server'])}/{x['client_steered']}  "
                          f"errors {x['errors']}", flush=True)
    except RuntimeError as e:
        print(f"bench-scale: {e}", file=sys.stderr)
        return 1
    finally:
        r.close()
    meta = {"reps": args.reps, "duration_s": args.duration, "warmup_s": args.warmup,
            "rr_conns": args.rr_conns, "crr_conns": args.crr_conns,
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "kernel": os.uname().release}
    write_out(args.out, "bench-scale", meta, results, markdown(results, meta))
    return 0


if __name__ == "__main__":
    sys.exit(main())

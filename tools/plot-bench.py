#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""PNG plots from tools/bench-tcp.py's JSON (bench-tcp.json).

  bench-tcp-rate.png     per case: pollnet and linux medians (every run as a
                         dot), each case on its own scale (relative to linux)
  bench-tcp-rr.png       tcp-rr transactions/s against connections (log x)
  bench-tcp-latency.png  p50 and p99 latency of the rr/crr/http cases

Uses Debian's matplotlib (/usr/bin/python3, python3-matplotlib), headless.

usage: /usr/bin/python3 tools/plot-bench.py bench-tcp.json [--out DIR]
"""
import argparse
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLORS = {"pollnet": "#1f77b4", "linux": "#ff7f0e", "linux-spin": "#d62728",
          "nginx": "#2ca02c"}


def stacks(row):
    return [s for s in COLORS if s in row]


def subtitle(meta):
    return (f"medians of {meta['reps']} runs, {meta['duration_s']} s each "
            f"(+{meta['warmup_s']} s warm-up), server CPU {meta['cpu_server']}, "
            f"client CPU {meta['cpu_client']}, {meta['date']}")


def plot_rates(rows, meta, out):
    """Every case relative to its linux (or nginx) median: one scale."""
    fig, ax = plt.subplots(figsize=(10, 4.5))
    names = [r["case"] for r in rows]
    for i, r in enumerate(rows):
        ref = r.get("linux", r.get("nginx"))["median"] or 1.0
        width = 0.8 / len(stacks(r))
        for k, s in enumerate(stacks(r)):
            x = i + (k - (len(stacks(r)) - 1) / 2) * width
            ax.bar(x, r[s]["median"] / ref, width, color=COLORS[s],
                   label=s if i == 0 or s == "nginx" else None)
            ax.plot([x] * len(r[s]["values"]),
                    [v / ref for v in r[s]["values"]], "k.", ms=3)
            ax.annotate(f"{r[s]['median']:,.0f}", (x, r[s]["median"] / ref),
                        ha="center", va="bottom", fontsize=7, rotation=90)
    ax.axhline(1.0, color="grey", lw=0.8)
    ax.set_ylim(0, ax.get_ylim()[1] * 1.15)  # room for the labels
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels([f"{r['case']}\n({r['unit']})" for r in rows], fontsize=8)
    ax.set_ylabel("relative to linux (median)")
    ax.set_title("pollnet <-> pollnet vs Linux <-> Linux\n" + subtitle(meta),
                 fontsize=9)
    handles, labels = ax.get_legend_handles_labels()
    uniq = dict(zip(labels, handles))
    ax.legend(uniq.values(), uniq.keys())
    fig.tight_layout()
    fig.savefig(os.path.join(out, "bench-tcp-rate.png"), dpi=120)
    plt.close(fig)


def plot_rr(rows, meta, out):
    rr = sorted((r for r in rows if r["case"].startswith("rr-64-c")),
                key=lambda r: int(r["case"].split("-c")[-1]))
    if not rr:
        return
    conns = [int(r["case"].split("-c")[-1]) for r in rr]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for s in ("pollnet", "linux", "linux-spin"):
        pts = [(c, r[s]["median"]) for c, r in zip(conns, rr) if s in r]
        if pts:
            ax.plot(*zip(*pts), "o-", color=COLORS[s], label=s)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("connections")
    ax.set_ylabel("transactions/s (64-byte request and response)")
    ax.set_title("tcp-rr\n" + subtitle(meta), fontsize=9)
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "bench-tcp-rr.png"), dpi=120)
    plt.close(fig)


def plot_latency(rows, meta, out):
    lat = [r for r in rows if any(r[s].get("p50_us") for s in stacks(r))]
    if not lat:
        return
    fig, ax = plt.subplots(figsize=(10, 4.5))
    seen = set()
    for i, r in enumerate(lat):
        n = len(stacks(r))
        width = 0.8 / n / 2  # a stack's slot: p50 and p99 side by side
        for k, s in enumerate(stacks(r)):
            if r[s].get("p50_us") is None:
                continue
            x = i + (k - (n - 1) / 2) * 2 * width
            first = s not in seen
            seen.add(s)
            ax.bar(x - width / 2, r[s]["p50_us"], width, color=COLORS[s],
                   label=f"{s} p50" if first else None)
            ax.bar(x + width / 2, r[s]["p99_us"], width, color=COLORS[s],
                   alpha=0.45, label=f"{s} p99" if first else None)
    ax.set_yscale("log")
    ax.set_xticks(range(len(lat)))
    ax.set_xticklabels([r["case"] for r in lat], fontsize=8)
    ax.set_ylabel("latency, us (log)")
    ax.set_title("request latency, p50 and p99\n" + subtitle(meta), fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "bench-tcp-latency.png"), dpi=120)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("json", help="bench-tcp.json from tools/bench-tcp.py")
    ap.add_argument("--out", default=None, help="directory (default: the JSON's)")
    args = ap.parse_args()
    with open(args.json) as f:
        d = json.load(f)
    out = args.out or os.path.dirname(os.path.abspath(args.json))
    os.makedirs(out, exist_ok=True)
    rows, meta = d["rows"], d["meta"]
    if not rows:
        print(f"{args.json}: no results", file=sys.stderr)
        return 1
    plot_rates(rows, meta, out)
    plot_rr(rows, meta, out)
    plot_latency(rows, meta, out)
    for n in ("rate", "rr", "latency"):
        p = os.path.join(out, f"bench-tcp-{n}.png")
        if os.path.exists(p):
            print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Summary table of the accueil benchmarks from artefacts/bench/*.json.

    tests/bench/summary.py [dir] [bench ...]
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import fmt, machine_context, out_dir  # noqa: E402

# (bench, figure suffix, label, unit, digits)
LINES = [
    ("latency", "v2c.seq.p50_ms", "relay visitor -> counsellor, p50 (one at a time)", "ms", 1),
    ("latency", "v2c.seq.p95_ms", "relay visitor -> counsellor, p95 (one at a time)", "ms", 1),
    ("latency", "c2v.seq.p50_ms", "relay counsellor -> visitor, p50 (one at a time)", "ms", 1),
    ("latency", "c2v.seq.p95_ms", "relay counsellor -> visitor, p95 (one at a time)", "ms", 1),
    ("latency", "c2s.seq.p50_ms", "baseline c2s -> c2s, p50", "ms", 1),
    ("latency", "v2c.burst.rate", "relay visitor -> counsellor, burst throughput", "msg/s", 0),
    ("latency", "c2v.burst.rate", "relay counsellor -> visitor, burst throughput", "msg/s", 0),
    ("load", "cpu_accueild_s", "load: accueild CPU", "s", 2),
    ("load", "cpu_server_s", "load: server CPU", "s", 2),
    ("load", "peak_accueild_mib", "load: accueild peak RSS", "MiB", 1),
    ("load", "peak_server_mib", "load: server peak RSS", "MiB", 1),
    ("load", "done", "load: conversations completed", "", 0),
    ("loadgen", "last_invited_s", "loadgen: burst, last visitor invited", "s", 2),
    ("loadgen", "last_configured_s", "loadgen: server alone, last of as many rooms configured", "s", 2),
    ("loadgen", "cpu_d", "loadgen: accueild CPU, steady traffic", "s", 2),
    ("loadgen", "cpu_s", "loadgen: server CPU, steady traffic", "s", 2),
    ("loadgen", "ratio", "loadgen: server CPU / accueild CPU", "x", 1),
    ("loadgen", "peak_d", "loadgen: accueild peak RSS", "MiB", 1),
    ("loadgen", "v2c_p50_ms", "loadgen: relay visitor -> counsellor, p50", "ms", 2),
    ("loadgen", "echo_p50_ms", "loadgen: room echo (same rooms), p50", "ms", 2),
    ("loadgen", "v2c_minus_echo_us", "loadgen: relay adds to the room's echo, p50", "us", 0),
    ("queue", "ms_per_tick_accueild", "queue: accueild CPU per 2 s tick", "ms", 2),
    ("queue", "probe_invite_p50_ms", "queue: first message -> invitation, p50", "ms", 0),
    ("queue", "free_to_offer_p50_ms", "queue: counsellor free -> next offer, p50", "ms", 0),
    ("queue", "ms_per_dequeue_accueild", "queue: accueild CPU per dequeue", "ms", 1),
    ("history", "ms_per_tick_accueild", "history: accueild CPU per tick, 10 waiting", "ms", 1),
    ("callgrind", "Mi_per_routing_tick", "callgrind: instructions per routing_tick", "M", 2),
    ("callgrind", "Mi_per_new_visitor", "callgrind: instructions per new visitor", "M", 2),
]


def main():
    args = sys.argv[1:]
    d = Path(args[0]) if args and Path(args[0]).is_dir() else out_dir()
    wanted = [a for a in args[1:]] if args and Path(args[0]).is_dir() else args
    data = {}
    for f in sorted(d.glob("*.json")):
        j = json.loads(f.read_text())
        if not wanted or j["name"] in wanted:
            data[j["name"]] = j
    servers = ["prosody", "ejabberd", "prosody, nagle on"]
    rows = []
    for bench, suffix, label, unit, digits in LINES:
        if bench not in data:
            continue
        figs = data[bench]["figures"]
        # figures are "<server>.<size>.<suffix>" or "<server>.<suffix>"
        sizes = sorted({k.split(".")[1] for k in figs
                        if k.endswith("." + suffix) and k.count(".") > suffix.count(".") + 1},
                       key=lambda s: int("".join(c for c in s if c.isdigit()) or 0))
        for size in sizes or [None]:
            cells = []
            for srv in servers:
                key = f"{srv}.{size}.{suffix}" if size else f"{srv}.{suffix}"
                v = figs.get(key)
                cells.append(fmt(float(v), digits) if isinstance(v, (int, float)) else "-")
            name = label + (f" [{size}]" if size else "")
            rows.append((name, unit, *cells))
    print("accueil benchmark summary")
    for line in machine_context():
        print(line)
    for name, j in data.items():
        extra = " (quick)" if j.get("quick") else ""
        failed = f", FAILED on {', '.join(j['failed'])}" if j.get("failed") else ""
        print(f"{name}: {j['seconds']:.0f} s{extra}{failed}")
    print()
    if "peer" in data:
        # accueild alone (tests/bench/peer.c): no server, one column
        labels = {
            "relayed_per_s_wall": ("peer: relayed, wall clock", "msg/s", 0),
            "relayed_per_cpu_s": ("peer: relayed per s of accueild CPU", "msg/s", 0),
            "cpu_us_per_line": ("peer: accueild CPU per relayed line", "us", 1),
            "core_share_pct": ("peer: share of its core accueild got", "%", 0),
            "open_loop_rate": ("peer: open-loop rate for the latency", "msg/s", 0),
            "p50_ms": ("peer: in -> out p50", "ms", 3),
            "p99_ms": ("peer: in -> out p99", "ms", 3),
            "burst_last_invite_s": ("peer: burst of 1,000, last invited", "s", 2),
            "kib_per_conv_1000": ("peer: RSS per conversation, 1,000 open", "KiB", 2),
            "open_big": ("peer: conversations opened for the second figure", "", 0),
            "kib_per_conv_big": ("peer: RSS per conversation, that many open", "KiB", 2),
        }
        for key, v in data["peer"]["figures"].items():
            if key in labels:
                label, unit, digits = labels[key]
                print(f"{label:<52} {fmt(float(v), digits):>10} {unit}")
        print()
    if "route" in data:
        # tests/bench/bench_route.c: no server; "<waiting>x<counsellors>"
        for key, v in data["route"]["figures"].items():
            q, c = key.split(".")[0].split("x")
            print(f"{'route: decision, ' + q + ' waiting, ' + c + ' counsellors':<52}"
                  f" {fmt(float(v), 0):>10} ns")
        print()
    if not rows:
        print("(no figures)")
        return
    heads = ("figure", "unit", *servers)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(heads)]
    print("  ".join(h.ljust(widths[0]) if i == 0 else h.rjust(widths[i])
                    for i, h in enumerate(heads)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i])
                        for i, c in enumerate(r)))


if __name__ == "__main__":
    main()

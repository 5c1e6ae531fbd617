#!/usr/bin/env python3
"""Writes tests/data/prom/web-17: a two-node host's bios-check-like results directory in the
record format of harness/run/record.c (layers trimmed to what a VM without a PMU records), for
`numaharness export prom`: local and remote STREAM and chase runs, a warm-up and a failed run
that must not count, host identity with labels Prometheus cannot take, and a checks.json with a
pass, a fail, a not-evaluated check, a repeated name and one that needs escaping.
Deterministic; run it from anywhere to regenerate."""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "web-17")

RUN_OPTIONS = [("counters", "default"), ("interval", "100ms"), ("thp", "inherit"),
               ("prefault", "0"), ("mlock", "0"), ("allocator", "glibc")]
STREAM = dict([("size", "64M"), ("ntimes", "10"), ("threads", "all"), ("nt", "0"),
               ("kernel", "auto")] + RUN_OPTIONS)
CHASE = dict([("size", "256M"), ("pages", "4k"), ("samples", "2000"), ("block", "4096"),
              ("seed", "1"), ("load_threads", "0"), ("load", "read"), ("load_size", "auto"),
              ("throttle", "0")] + RUN_OPTIONS)

runs = []


def run(config, rep, warmup, workload, policy, value, outcome="ok"):
    metric, unit, better = ("triad", "MB/s", "higher") if workload == "stream" else \
        ("ns_per_load", "ns", "lower")
    n = len(runs)
    runs.append({
        "run": n, "config": config, "rep": rep, "warmup": warmup, "workload": workload,
        "params": STREAM if workload == "stream" else CHASE,
        "outcome": outcome, "reason": "" if outcome == "ok" else "exit status 1",
        "policy": {"requested": policy,
                   "applied": {"spec": policy, "mem_mode": "default", "mem_nodes": "0-1",
                               "cpus": "0-3"},
                   "observed": {"verdict": "ok", "verdict_reason": "fixture",
                                "fraction_on_expected": 1.0}},
        "metrics": {metric: {"value": value if outcome == "ok" else None, "unit": unit,
                             "better": better}},
        "notes": {},
        "allocator": {"requested": "glibc", "preload": None, "tunables": None,
                      "confirmed": {"name": "glibc"}},
        "counters": {"cycles.cycles": {"unavailable": "no hardware PMU available to this process",
                                       "event": "perf::CYCLES"}},
        "started_at": "2026-11-22T00:00:%02dZ" % n, "duration_s": 1.5,
        "exit_status": 0 if outcome == "ok" else 1, "signal": None, "source": "fixture:1",
    })


# Local STREAM: node 0 median of 20000, 21000, 19000 (the warm-up's 1000 does not count);
# node 1 median of 17000 and 18000 (the failed run does not count).
run(0, 0, True, "stream", "cpunodebind=0 membind=0", 1000.0)
for rep, v in enumerate([20000.0, 21000.0, 19000.0]):
    run(0, rep, False, "stream", "cpunodebind=0 membind=0", v)
for rep, v in enumerate([17000.0, 18000.0]):
    run(1, rep, False, "stream", "cpunodebind=1 membind=1", v)
run(1, 2, False, "stream", "cpunodebind=1 membind=1", None, outcome="failed")
# Not local: never in the per-node figures.
run(2, 0, False, "stream", "cpunodebind=0 membind=1", 12000.0)
run(3, 0, False, "stream", "membind=0", 25000.0)
# Local chase on node 0 only: median of 90.5, 91.5, 89.0; node 1's latency is only remote.
for rep, v in enumerate([90.5, 91.5, 89.0]):
    run(4, rep, False, "chase", "cpunodebind=0 membind=0", v)
run(5, 0, False, "chase", "cpunodebind=1 membind=0", 140.0)

manifest = {
    "schema_version": 1, "tool": "numaharness", "tool_version": "0.1.0",
    "command": "run scenarios/bios-check.lua --host-id web-17",
    "scenario": {"name": "bios-check", "path": "scenarios/bios-check.lua", "sha256": None},
    "status": "complete", "started_at": "2026-11-22T00:00:00Z", "planned_runs": len(runs),
    "host": {
        "nodes": [
            {"id": 0, "cpus": [0, 1], "mem_total_bytes": 68719476736, "mem_free_bytes": 60000000000},
            {"id": 1, "cpus": [2, 3], "mem_total_bytes": 67108864000, "mem_free_bytes": 60000000000},
        ],
        "distances": [[10, 21], [21, 10]],
        "caches": [],
        "source": "system",
        "host": {"kernel": "6.1.0-26-amd64", "cpu_model": "Intel(R) Xeon(R) Gold 6338",
                 "thp_enabled": "madvise", "thp_defrag": "madvise", "numa_balancing": False,
                 "perf_event_paranoid": 2, "cgroup": "v2 /", "allowed_cpus": "0-3",
                 "allowed_mems": "0-1"},
        "hostname": "web-17.dc1",
        "id": "web-17",
        "id_source": "--host-id",
        "labels": {"cohort": "gen3", "rack.row": "r1", "node": "n", "note": 'a "quoted" \\ value'},
        "engine": {"ansible": {"host": "web-17"}},
        "firmware": {"bios_vendor": "Dell Inc.", "bios_version": "2.19.1",
                     "bios_date": "03/07/2024", "product_name": "PowerEdge R650",
                     "board_vendor": "Dell Inc.", "board_name": "0PYXKY", "absent": {}},
    },
    "finished_at": "2026-11-22T00:01:00Z",
    "outcomes": {"ok": len(runs) - 1, "failed": 1, "timeout": 0, "crashed": 0, "oom-killed": 0,
                 "skipped": 0},
}


def check(name, status, fails_gate=False, detail="fixture"):
    return {"name": name, "kind": "custom", "source": "scenarios/bios-check.lua:90",
            "status": status, "fails_gate": fails_gate, "config": None, "value": None,
            "min": None, "max": None, "detail": detail}


checks = [
    check("nodes", "pass"),
    check("slowest node's local triad, re-measured", "fail", fails_gate=True),
    check("remote/local latency ratio", "not-evaluated", detail="one node: nothing to compare"),
    check('say "hi" \\ now\nplease', "pass"),
    check("nodes", "pass"),
]

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=2)
    f.write("\n")
with open(os.path.join(OUT, "runs.jsonl"), "w") as f:
    for r in runs:
        f.write(json.dumps(r, separators=(",", ":")) + "\n")
with open(os.path.join(OUT, "checks.json"), "w") as f:
    json.dump(checks, f, indent=2)
    f.write("\n")

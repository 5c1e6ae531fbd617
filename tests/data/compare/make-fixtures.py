#!/usr/bin/env python3
"""Writes the compare fixtures: two small results directories in the record format of
harness/record.c (the layers trimmed to what a VM without a PMU records), and broken ones for
the bad-input corpus. Deterministic; run it from anywhere to regenerate."""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

# Run-to-run spread of about +-2 %: the same five multipliers every time, so the fixtures and
# the tests' expectations never drift.
BASE_SPREAD = [1.000, 1.012, 0.985, 1.019, 0.993]
CAND_SPREAD = [0.991, 1.006, 1.017, 0.982, 1.003]

RUN_OPTIONS = [("counters", "default"), ("interval", "100ms"), ("thp", "inherit"),
               ("prefault", "0"), ("mlock", "0")]


def stream_params(size, threads, allocator="glibc"):
    return dict([("size", size), ("ntimes", "10"), ("threads", threads), ("nt", "0"),
                 ("kernel", "auto")] + RUN_OPTIONS + [("allocator", allocator)])


def chase_params(size):
    return dict([("size", size), ("pages", "4k"), ("samples", "2000"), ("block", "4096"),
                 ("seed", "1"), ("load_threads", "0"), ("load", "read"), ("load_size", "auto"),
                 ("throttle", "0")] + RUN_OPTIONS + [("allocator", "glibc")])


def stream_metrics(triad, m):
    return {
        "first_touch_s": (0.052 * m, "s", "lower"),
        "validation_error": (0.0, "ratio", "lower"),
        "copy": (24000 * m, "MB/s", "higher"),
        "scale": (23800 * m, "MB/s", "higher"),
        "add": (25500 * m, "MB/s", "higher"),
        "triad": (triad * m, "MB/s", "higher"),
        "rss_steps": (0.0, "count", "lower"),
    }


def chase_metrics(ns, p99, m):
    return {
        "ns_per_load": (ns * m, "ns", "lower"),
        "p99_ns": (p99 * m, "ns", "lower"),
        "timer_ns": (21.5 * m, "ns", "none"),
    }


def record(run, config, rep, warmup, workload, params, policy, metrics, outcome="ok", reason=""):
    mem_mode = policy.split("=")[0] if "membind" in policy or "interleave" in policy else "default"
    rec = {
        "run": run, "config": config, "rep": rep, "warmup": warmup, "workload": workload,
        "params": params, "outcome": outcome, "reason": reason,
        "policy": {
            "requested": policy,
            "applied": {"spec": policy, "mem_mode": mem_mode, "mem_nodes": "0", "cpus": "0-1"},
            "observed": {"pages_by_node": {"0": 65536}, "numa_maps_pages_by_node": {"0": 65536},
                         "pages_total": 65536, "pages_absent": 0, "expected_nodes": "0",
                         "fraction_on_expected": 1.0, "threads_ran_on": "0-1", "verdict": "ok",
                         "verdict_reason": "100.00% of 65536 pages on the expected node(s)"},
        },
        "metrics": {k: {"value": v, "unit": u, "better": b} for k, (v, u, b) in metrics.items()},
        "numastat": {"delta_by_node": {"0": {"numa_hit": 66000, "numa_miss": 0, "numa_foreign": 0,
                                              "interleave_hit": 0, "local_node": 66000,
                                              "other_node": 0}}, "numa_miss_ratio": 0.0},
        "notes": {},
        "allocator": {"requested": params["allocator"], "preload": None, "tunables": None,
                      "confirmed": {"name": params["allocator"], "library": "libc.so.6",
                                    "version": "2.36"}},
        "counters": {"cycles.cycles": {"unavailable": "no hardware PMU available to this process",
                                       "event": "perf::CYCLES"}},
        "memory": {"vm_rss_bytes": 270000000},
        "cgroup": {"unavailable": "no cgroup memory controller"},
        "series": {"file": None, "unavailable": "interval=off"},
        "started_at": "2026-11-22T00:00:%02dZ" % run, "duration_s": 1.5, "exit_status": 0,
        "signal": None, "source": "fixture:1",
    }
    if outcome != "ok":
        rec["metrics"] = {k: {"value": None, "unit": u, "better": b}
                          for k, (v, u, b) in metrics.items()}
        rec["exit_status"] = 1
    return rec


def manifest(name, kernel, runs):
    return {
        "schema_version": 1, "tool": "numaharness", "tool_version": "0.1.0",
        "command": "run fixture.lua", "scenario": {"name": name, "path": "fixture.lua",
                                                    "sha256": None},
        "status": "complete", "started_at": "2026-11-22T00:00:00Z", "planned_runs": runs,
        "host": {"nodes": [{"id": 0, "cpus": [0, 1], "mem_total_bytes": 10429353984,
                            "mem_free_bytes": 9259573248}],
                 "distances": [[10]], "caches": [], "source": "system",
                 "host": {"kernel": kernel, "cpu_model": "Intel(R) Xeon(R) Processor",
                          "thp_enabled": "madvise", "numa_balancing": False,
                          "allowed_cpus": "0-1", "allowed_mems": "0"}},
        "finished_at": "2026-11-22T00:01:00Z",
        "outcomes": {"ok": runs, "failed": 0, "timeout": 0, "crashed": 0, "oom-killed": 0,
                     "skipped": 0},
    }


def write_dir(name, records, kernel):
    d = os.path.join(HERE, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "runs.jsonl"), "w") as f:
        for r in records:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")
    with open(os.path.join(d, "manifest.json"), "w") as f:
        json.dump(manifest(name, kernel, len(records)), f, indent=2)
        f.write("\n")


def configs(side):
    """(workload, params, policy, [metrics per rep], [outcomes]) per configuration."""
    s = BASE_SPREAD if side == "baseline" else CAND_SPREAD
    base = side == "baseline"
    out = [
        # triad loses 20 % in the candidate; copy and the rest stay
        ("stream", stream_params("256M", "2"), "membind=0",
         [stream_metrics(25000 if base else 20000, m) for m in s], None),
        # nothing changes: same level, same spread
        ("stream", stream_params("256M", "2"), "interleave=all",
         [stream_metrics(23000, m) for m in s], None),
        # lower is better: ns_per_load +20 % is a regression, p99 -25 % an improvement
        ("chase", chase_params("256M"), "cpunodebind=0 membind=0",
         [chase_metrics(100 if base else 120, 200 if base else 150, m) for m in s], None),
        # the candidate has two ok runs and one failed: insufficient
        ("stream", stream_params("256M", "1"), "membind=0",
         [stream_metrics(12000, m) for m in (s if base else s[:3])],
         None if base else ["ok", "failed", "ok"]),
    ]
    if base:  # the allocator is part of the key
        out.append(("stream", stream_params("256M", "2", "jemalloc"), "membind=0",
                    [stream_metrics(25500, m) for m in s], None))
    else:
        out.append(("stream", stream_params("256M", "1"), "default",
                    [stream_metrics(11000, m) for m in s], None))
    return out


def results(side):
    recs = []
    for cfg, (wl, params, policy, reps, outcomes) in enumerate(configs(side)):
        if cfg == 0:  # a wild warm-up that must not count
            recs.append(record(len(recs), cfg, 0, True, wl, params, policy,
                               stream_metrics(1000, 1.0)))
        for rep, metrics in enumerate(reps):
            oc = outcomes[rep] if outcomes else "ok"
            recs.append(record(len(recs), cfg, rep, False, wl, params, policy, metrics, oc,
                               "exit status 1" if oc != "ok" else ""))
    return recs


write_dir("baseline", results("baseline"), "6.1.0-26-amd64")
write_dir("candidate", results("candidate"), "6.1.0-27-amd64")
# the candidate again under another name: a same-vs-same comparison with nothing to flag
write_dir("candidate-again", results("candidate"), "6.1.0-27-amd64")

# broken directories for the bad-input corpus
os.makedirs(os.path.join(HERE, "not-results"), exist_ok=True)
with open(os.path.join(HERE, "not-results", "manifest.json"), "w") as f:
    json.dump(manifest("not-results", "6.1.0-26-amd64", 0), f, indent=2)
    f.write("\n")
bad = results("baseline")[:3]
lines = [json.dumps(r, separators=(",", ":")) for r in bad]
lines[1] = lines[1][:200]  # a record cut short, as a full disk would leave it
write_dir("bad-json", [], "6.1.0-26-amd64")
with open(os.path.join(HERE, "bad-json", "runs.jsonl"), "w") as f:
    f.write("\n".join(lines) + "\n")
nowl = results("baseline")[:2]
del nowl[1]["workload"]
write_dir("no-workload", nowl, "6.1.0-26-amd64")

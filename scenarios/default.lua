-- default: STREAM bandwidth under every basic policy this host supports — the first thing to run
-- on a new machine. Placement is verified for every run; see the report for the verdicts.
return scenario {
  name = "default",
  description = "STREAM copy/scale/add/triad under default, localalloc, membind/preferred per node, "
             .. "interleave=all and every cpunodebind x membind pair",
  reps = 3,
  warmup = 1,
  timeout = "10m",
  run {
    workload = "stream",
    -- size=auto: three arrays, each at least 4x the last-level cache (McCalpin's rule).
    params = { size = "auto", threads = "all", ntimes = 10 },
    policies = policies.sweep(topo),
  },
}

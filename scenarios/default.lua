-- default: STREAM bandwidth under every basic policy this host supports — the first thing to run
-- on a new machine. Placement is verified for every run; the expectations below turn it into a
-- gate (exit status 1 and checks.xml failures when a policy was not honoured).
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
  -- Every run's pages where its policy says (preferred and local policies may fall back when
  -- a node is full: allowed, and flagged in the detail; strict = true would fail them).
  expect { placement = 0.99 },
  -- The kernel's own view: at most 15% of the allocations during a run missed their node.
  expect { numa_miss_ratio = { max = 0.15 } },
}

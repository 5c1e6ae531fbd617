-- nh.stats and nh.results at load time (the end-to-end test runs it from the source tree): a
-- baseline's figures, computed by the harness's own statistics, printed before the sweep.
local base <close> = nh.results("tests/data/compare/baseline")
local one_thread = base:find { workload = "stream", policy = "membind=0", params = { threads = 1 } }
local triad = base:median(one_thread, "triad")
local ci = nh.stats.bootstrap_ci(base:values(one_thread, "triad"), { resamples = 200 })
print(("baseline triad %.1f MB/s, 95%% interval [%.1f, %.1f], cv %.4f"):format(
  triad, ci.low, ci.high, nh.stats.cv(base:values(one_thread, "triad"))))
return scenario {
  name = "e2e-lua-api",
  reps = 1,
  run { workload = "stream", params = { size = "2M", ntimes = 2 } },
}

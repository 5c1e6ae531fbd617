-- The report tests' fixture: STREAM under two policies, 3 runs each, series sampled every 20 ms.
-- Made with: numaharness run tests/data/report/stream.lua --out tests/data/report/stream
-- then pruned to the series CSV of the first configuration's median run, checks.json kept, and
-- compare.json added by `numaharness compare BASELINE tests/data/report/stream` (another run of it).
return scenario {
  name = "report-fixture",
  reps = 3,
  run {
    workload = "stream",
    params = { size = "64M", ntimes = 10, interval = "20ms" },
    policies = { "default", "membind=0" },
  },
}

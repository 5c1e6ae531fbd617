-- derive { }: a metric from each ok record, stored with its line; nil is absent, never 0.
return scenario {
  reps = 2,
  derive { name = "triad_per_thread", unit = "MB/s", better = "higher",
           from = function(r) return r.metrics.triad.value / tonumber(r.params.threads) end },
  derive { name = "nothing_here", from = function(r) return nil end },
  after_run = function(r)
    print("derived", r.metrics.triad_per_thread.value == r.metrics.triad.value,
          r.metrics.triad_per_thread.derived, r.metrics.nothing_here.value,
          r.metrics.nothing_here.absent)
  end,
  expect { metric = "triad_per_thread", min = 1 },
  run { workload = "stream", params = { size = "1M", ntimes = 2, threads = 1 } },
}

-- reps = { cv = }: a steady metric stops at min; a noisy one reaches max.
return scenario {
  derive { name = "steady", from = function(r) return 100 end },
  derive { name = "noisy", from = function(r) return (r.run % 2 == 0) and 50 or 150 end },
  run { workload = "stream", params = { size = "1M", ntimes = 2, threads = 1 },
        reps = { min = 3, max = 8, cv = 0.02, metric = "steady" } },
  run { workload = "stream", params = { size = "2M", ntimes = 2, threads = 1 },
        reps = { min = 3, max = 6, cv = 0.02, metric = "noisy" } },
}

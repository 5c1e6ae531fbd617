-- nh.run past the run budget (--max-runs): a file:line error from the hook, exit 2.
return scenario {
  reps = 1,
  done = function(res)
    nh.run { workload = "stream", params = { size = "1M", ntimes = 2, threads = 1 }, reps = 3 }
  end,
  run { workload = "stream", params = { size = "1M", ntimes = 2, threads = 1 } },
}

return scenario {
  done = function(res)
    nh.run { workload = "stream", params = { size = "1M", ntimes = 2, threads = 1 }, tag = "x y" }
  end,
  run { workload = "stream", params = { size = "1M", ntimes = 2, threads = 1 } },
}

return scenario {
  before_run = function(spec) return 42 end,
  run { workload = "stream", params = { size = "1M", ntimes = 2, threads = 1 } },
}

return scenario {
  after_config = function(cfg) return "more" end,
  run { workload = "stream", params = { size = "1M", ntimes = 2, threads = 1 } },
}

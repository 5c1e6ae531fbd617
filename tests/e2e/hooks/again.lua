-- after_config returning "again": one more repetition each time, until the configuration has 4.
return scenario {
  reps = 2,
  after_config = function(cfg)
    print("after_config", cfg.params.size, #cfg.records)
    if #cfg.records < 4 then return "again" end
  end,
  run { workload = "stream", params = { size = { "1M", "2M" }, ntimes = 2, threads = 1 } },
}

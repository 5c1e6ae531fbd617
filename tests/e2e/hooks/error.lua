-- A hook failing mid-sweep: the third record is stored, then the sweep stops (exit 2).
return scenario {
  reps = 2,
  after_run = function(r)
    if r.run == 2 then error("third run is one too many") end
  end,
  run { workload = "stream", params = { size = { "1M", "2M" }, ntimes = 2, threads = 1 } },
}

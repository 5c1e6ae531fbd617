-- A hook that never returns: Ctrl-C or the time budget must stop it (the first record is kept).
return scenario {
  reps = 3,
  after_run = function(r)
    print("in after_run")
    while true do end
  end,
  run { workload = "stream", params = { size = "1M", ntimes = 2, threads = 1 } },
}

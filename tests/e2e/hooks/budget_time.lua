-- budget.time spent: the sweep stops between runs with a file:line error, the runs so far kept.
return scenario {
  reps = 50,
  budget = { time = "1s" },
  run { workload = "stream", params = { size = "32M", ntimes = 4, threads = 1 } },
}

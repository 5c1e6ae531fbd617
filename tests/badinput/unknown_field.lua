-- the run table has a misspelt field
return scenario {
  reps = 1,
  run { workload = "stream", params = { size = "1M" }, polices = { "membind=0" } },
}

return scenario {
  unevaluated = "sometimes",
  run { workload = "stream", params = { size = "1M" }, policies = { "membind=0" } },
}

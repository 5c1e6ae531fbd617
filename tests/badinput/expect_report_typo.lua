-- a host check takes a bound or "report"
return scenario {
  run { workload = "stream", params = { size = "1M" }, policies = { "membind=0" } },
  expect { nodes = "reprot" },
}

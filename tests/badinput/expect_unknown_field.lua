-- an expectation with a misspelt field
return scenario {
  run { workload = "stream", params = { size = "1M" }, policies = { "membind=0" } },
  expect { placment = 0.99 },
}

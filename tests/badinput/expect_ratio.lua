-- a ratio without the policy it divides by
return scenario {
  run { workload = "stream", params = { size = "1M" }, policies = { "membind=0", "interleave=all" } },
  expect { metric = "triad", ratio = { of = "interleave=all", min = 0.9 } },
}

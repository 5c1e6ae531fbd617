-- End-to-end expectations with one threshold no machine meets: the e2e test wants exit 1, one
-- JUnit failure and FAIL in the terminal table.
return scenario {
  name = "e2e-expect-fail",
  reps = 1,
  timeout = "60s",
  run {
    workload = "stream",
    params = { size = "3M", threads = 2, ntimes = 3 },
    policies = { "membind=0" },
  },
  expect { metric = "triad", min = 1e12 }, -- 1 PB/s
}

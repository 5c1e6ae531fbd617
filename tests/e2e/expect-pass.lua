-- End-to-end expectations that hold on any host: the e2e test wants exit 0 and a clean JUnit file.
return scenario {
  name = "e2e-expect-pass",
  reps = 2,
  timeout = "60s",
  run {
    workload = "stream",
    params = { size = "3M", threads = 2, ntimes = 3 },
    policies = { "membind=0", "cpunodebind=0 localalloc" },
  },
  expect { nodes = { min = 1 } },
  expect { outcomes = "ok" },
  expect { placement = 0.99 },
  expect { numa_miss_ratio = { max = 0.15 } },
  expect { workload = "stream", policy = "membind=0", metric = "triad", min = 1 },
  expect {
    metric = "triad",
    ratio = { of = "cpunodebind=0 localalloc", to = "membind=0", min = 0.01 },
  },
  -- software counters count wherever perf_event_open works; elsewhere this is not evaluated
  expect { counter = "software.page_faults", min = 1, policy = "membind=0" },
}

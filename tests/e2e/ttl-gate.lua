-- e2e.test_forecast_truth: a gate on the forecast's time to limit (a metric every run with a
-- series may carry): the ramp reaches its 256 MiB in seconds, so it fails; the flat STREAM run
-- has no limit it grows toward, so its check is not evaluated, never passed.
return scenario {
  name = "ttl-gate", reps = 1,
  run { workload = "grow", params = { pattern = "ramp", rate = "16M", duration = "3s", memory_limit = "256M" } },
  run { workload = "stream", params = { size = "8M" } },
  expect { workload = "grow", metric = "time_to_limit_s", min = 3600 },
  expect { workload = "stream", metric = "time_to_limit_s", min = 3600 },
}

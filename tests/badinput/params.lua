-- scenario parameters: run --set NAME=VALUE, read as the default's type
local size = param("size", "1M", "stream arrays")
local ratio = param("ratio", 1.3, "expected remote/local latency ratio")
local nodes = param("nodes", 1, "expected node count")
local quick = param("quick", false, "a smaller run")
return scenario {
  run { workload = "stream", params = { size = size }, policies = { "membind=0" } },
  expect { nodes = { min = nodes } },
  expect { remote_local_latency_ratio = ratio },
}

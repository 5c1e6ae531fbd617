nh.run { workload = "stream", params = { size = "1M" } }
return scenario { run { workload = "stream", params = { size = "1M" } } }

nh.check("x", nil)
return scenario { run { workload = "stream", params = { size = "1M" } } }

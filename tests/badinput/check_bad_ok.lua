nh.check("x", 1, "one is not a verdict")
return scenario { run { workload = "stream", params = { size = "1M" } } }

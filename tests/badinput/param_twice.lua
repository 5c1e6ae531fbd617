-- the same parameter declared twice
local a = param("size", "1M")
local b = param("size", "2M")
return scenario { run { workload = "stream", params = { size = a } } }

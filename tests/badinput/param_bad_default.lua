-- a default whose type cannot say how --set is read
local sizes = param("sizes", { "1M", "2M" }, "array sizes")
return scenario { run { workload = "stream", params = { size = sizes } } }

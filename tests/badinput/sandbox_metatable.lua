-- The strings' shared metatable is the harness's: a script cannot reach its __index.
getmetatable("").__index.format = nil
return scenario { run { workload = "stream" } }

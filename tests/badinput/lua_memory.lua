-- Allocating without end inside pcall: stopped by the memory cap (--lua-memory), not swallowed.
local t = {}
local ok = pcall(function() while true do t[#t + 1] = string.rep("x", 4096) .. #t end end)
return scenario { run { workload = "stream", params = { size = ok and "1M" or "2M" } } }

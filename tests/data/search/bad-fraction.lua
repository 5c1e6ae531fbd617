-- For test_search: an argument error from nh.search names this file and line.
local k = nh.search.knee{ xs = { 1, 2 }, measure = function(x) return x end,
                          fraction = 2 }
return scenario { run { workload = "stream" } }

-- For test_search: after break-search.lua, nh.search fails here, at this line, saying why.
local ok = nh.search ~= nil
local f = nh.search.knee
return scenario { run { workload = "stream" } }

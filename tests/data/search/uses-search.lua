-- For test_search: nh.search as a scenario sees it, called at load time with Lua functions as
-- the measure (no runs: nh.run does not exist yet), and a minimal scenario returned.
local calls = 0
local r = nh.search.until_stable{ measure = function() calls = calls + 1; return 100 end }
assert(r.converged and r.n == 3 and calls == 3 and r.rule == "cv<=0.02 after n>=3", "until_stable")
local k = nh.search.knee{ xs = { 1, 2, 4, 8, 16 }, measure = function(x) return math.min(x, 4) end }
assert(k.x == 4 and k.method == "bisect", "knee")
local b = nh.search.bisect{ lo = 1, hi = 64, measure = function(x) return x end,
                            pred = function(v) return v >= 20 end }
assert(b.x == 20, "bisect")
-- Its own copy: the test loads this file twice in one state, and the second load must still
-- find until_stable.
nh.search.until_stable = nil
return scenario { name = "uses-search", run { workload = "stream" } }

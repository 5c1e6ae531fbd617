-- forgets to return the scenario
local s = scenario { run { workload = "stream" } }

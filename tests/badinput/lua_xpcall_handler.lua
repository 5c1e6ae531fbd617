-- xpcall whose handler loops: the stop skips the script's handler.
local function grow() local t = {} while true do t[#t + 1] = {} end end
xpcall(grow, function() while true do end end)
return scenario { run { workload = "stream" } }

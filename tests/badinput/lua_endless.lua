-- An endless loop at the top level: stopped by the time budget (--lua-time).
local n = 0
while true do n = n + 1 end

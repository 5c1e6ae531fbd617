-- The script's own pcall cannot swallow the stop.
for _ = 1, 1000 do
  pcall(function() while true do end end)
end
return scenario { run { workload = "stream" } }

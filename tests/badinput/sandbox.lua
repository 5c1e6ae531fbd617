-- scenarios run in a sandbox: no io, no os.execute
local x = 1
io.open("/tmp/nh-sandbox-escape", "w")
return scenario { run { workload = "stream" } }

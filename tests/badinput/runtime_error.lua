-- an error raised by scenario code itself
local function build()
  local t = {}
  error("boom")
end
return scenario { run { workload = "stream", policies = build() } }

-- A format policies.each_node cannot fill: the error names this line.
local p = policies.each_node(topo, "membind=%s-%q")
return scenario { run { workload = "stream", policies = p } }

-- setup refusing the host before anything runs or is written.
return scenario {
  setup = function(ctx) error(string.format("needs %d nodes, this host has %d", #ctx.topo.nodes + 1, #ctx.topo.nodes)) end,
  run { workload = "stream", params = { size = "1M", ntimes = 2, threads = 1 } },
}

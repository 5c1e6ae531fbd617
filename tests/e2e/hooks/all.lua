-- Every hook, for test_hooks: each prints what it was given; before_run skips one run.
local seen = 0
return scenario {
  name = "hooks",
  reps = 2,
  setup = function(ctx)
    print("setup", #ctx.topo.nodes == #topo.nodes, type(ctx.host.kernel), ctx.params.size)
  end,
  before_run = function(spec)
    if spec.params.size == "2M" and spec.rep == 1 then return "not this one" end
  end,
  after_run = function(r)
    seen = seen + 1
    print("after_run", r.run, r.outcome, r.workload, r.params.size)
  end,
  after_config = function(cfg) print("after_config", cfg.config, #cfg.records, cfg.params.size) end,
  done = function(res) print("done", res.done, res.planned, res.went_wrong, seen) end,
  run { workload = "stream", params = { size = { param("size", "1M", "first size"), "2M" },
                                         ntimes = 2, threads = 1 } },
}

-- nh.run from hooks: a configuration on demand, its records, statistics and tag.
return scenario {
  reps = 1,
  after_config = function(cfg)
    local again = nh.run { workload = "stream", params = cfg.params, reps = 3, tag = "again",
                           reason = "re-measure " .. cfg.params.size }
    print("again", #again.records, again.ok, again.outcomes.ok, again.tag,
          again:median("triad") > 0, #again:values("triad"), again:cv("nosuch"))
  end,
  done = function(res)
    local c = nh.run { workload = "stream", params = { size = "1M", ntimes = 2, threads = 1 } }
    print("done", res.done, #c.records, c.records[1].origin, c.records[1].source)
    -- the planned configuration and nh.run's tagged one told apart by find's tag
    local h <close> = nh.results(res.dir)
    local plain, tagged = h:find { workload = "stream", tag = false }, h:find { workload = "stream", tag = "again" }
    local ok, why = pcall(h.find, h, { workload = "stream" })
    print("find", plain ~= tagged, tagged:sub(-6), #h:configs(), h:configs()[1].tag, h:configs()[2].tag,
          ok, why:match("2 configurations match") ~= nil)
  end,
  run { workload = "stream", params = { size = "1M", ntimes = 2, threads = 1 } },
}

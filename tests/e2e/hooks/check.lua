-- nh.check from a hook and at load time: pass, fail and not evaluated, with their file:line.
nh.check("loaded", true, "at load time")
return scenario {
  reps = 2,
  after_config = function(cfg)
    local ok = 0
    for _, r in ipairs(cfg.records) do if r.outcome == "ok" then ok = ok + 1 end end
    nh.check("all ok (" .. cfg.params.size .. ")", ok == #cfg.records, ok .. " of " .. #cfg.records,
             { value = ok, min = #cfg.records })
  end,
  done = function(res)
    nh.check("impossible", false, "no host is this fast", { value = 1, max = 0 })
    nh.check("unknowable", nil, "no baseline to compare with")
  end,
  run { workload = "stream", params = { size = "1M", ntimes = 2, threads = 1 } },
}

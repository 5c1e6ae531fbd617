-- nh.ondemand: nh.run's Lua half. nh.run{...} takes run { }'s fields plus tag and reason, runs
-- that configuration now (from a hook) through the harness's own plan validation, runner and
-- store (lua_run.c), and returns a configuration object:
--   cfg.records (each a table shaped like its runs.jsonl line), cfg.ok (ok counted runs),
--   cfg.outcomes ({ok = n, failed = n, ...}), cfg.tag, cfg.source,
--   cfg:values(m), cfg:median(m), cfg:quantile(m, q), cfg:cv(m) over its ok counted runs.
local scenario = require "nh.scenario"

local M = {}

local Config = {}
Config.__index = Config

function Config:values(metric)
  if type(metric) ~= "string" then error("values: name a metric, got " .. type(metric), 2) end
  local xs = {}
  for _, r in ipairs(self.records) do
    local m = r.metrics and r.metrics[metric]
    if r.outcome == "ok" and r.warmup ~= true and m and type(m.value) == "number" then
      xs[#xs + 1] = m.value
    end
  end
  return xs
end

-- A statistic of the metric's values, or nil and why (no value is never a fake 0).
local function over_values(self, metric, what, f, ...)
  local xs = self:values(metric)
  if #xs == 0 then
    return nil, string.format("%s: no ok run of this configuration has metric '%s'", what, metric)
  end
  return f(xs, ...)
end

function M.make(run_now, stats)
  function Config:median(metric) return over_values(self, metric, "median", stats.median) end
  function Config:quantile(metric, q) return over_values(self, metric, "quantile", stats.quantile, q) end
  function Config:cv(metric) return over_values(self, metric, "cv", stats.cv) end

  return function(t)
    if type(t) ~= "table" then error("nh.run expects a table", 2) end
    local tag, reason = t.tag, t.reason
    if tag ~= nil and (type(tag) ~= "string" or #tag > 63 or not tag:match("^[%w._-]+$")) then
      error(string.format("nh.run: tag must be letters, digits, '.', '_' or '-' (at most 63), got %s",
                          tostring(tag)), 2)
    end
    if reason ~= nil and (type(reason) ~= "string" or #reason > 255) then
      error("nh.run: reason must be a string of at most 255 bytes", 2)
    end
    local fields = {}
    for k, v in pairs(t) do
      if k ~= "tag" and k ~= "reason" then fields[k] = v end
    end
    local group = scenario.run(fields) -- the same checks as run { }, naming the calling line
    group.reps = group.reps or 3
    group.warmup = group.warmup or 0
    group.timeout = group.timeout or "300"
    local records = run_now(group, group.source, tag, reason)
    local cfg = setmetatable({ records = records, tag = tag, source = group.source, ok = 0,
                               outcomes = {} }, Config)
    for _, r in ipairs(records) do
      if r.warmup ~= true then
        cfg.outcomes[r.outcome] = (cfg.outcomes[r.outcome] or 0) + 1
        if r.outcome == "ok" then cfg.ok = cfg.ok + 1 end
      end
    end
    return cfg
  end
end

return M

-- nh.scenario: the scenario DSL. `scenario { ... }` and `run { ... }` check their fields and
-- remember the file:line they were written at, so every later error can point there. The C side
-- (harness/script.c) reads the normalised table this module returns.
local M = {}

local SCENARIO_FIELDS = { name = true, description = true, reps = true, warmup = true,
                          timeout = true, placement_threshold = true }
local RUN_FIELDS = { workload = true, params = true, policies = true, policy = true, reps = true,
                     warmup = true, timeout = true }

-- The scenario file being loaded; the harness sets it before running the file.
M.path = nil

-- `return scenario { ... }` is a tail call: Lua drops the caller's frame, so the line is found
-- in the text instead — the first line that calls scenario.
local function line_in_file(word)
  local f = M.path and io.open(M.path, "r")
  if not f then return nil end
  local n, found = 0, nil
  for line in f:lines() do
    n = n + 1
    local code = line:gsub("%-%-.*$", "")
    if code:find("%f[%w_]" .. word .. "%s*[{(]") then found = n; break end
  end
  f:close()
  return found
end

-- Where the constructor was called from: "file.lua:12".
local function caller_source(level, word)
  local callee = debug.getinfo(level, "t")
  local info = debug.getinfo(level + 1, "Sl")
  if callee and callee.istailcall or not info or info.what == "C" then
    local line = line_in_file(word)
    return string.format("%s:%s", M.path or "scenario", line or "?")
  end
  return string.format("%s:%d", info.short_src or "?", info.currentline or 0)
end

local function fail(source, fmt, ...)
  error(source .. ": " .. string.format(fmt, ...), 0)
end

local function sorted_keys(set)
  local keys = {}
  for k in pairs(set) do keys[#keys + 1] = k end
  table.sort(keys)
  return table.concat(keys, ", ")
end

local function check_fields(source, what, t, allowed)
  for k in pairs(t) do
    if type(k) == "string" and not allowed[k] then
      fail(source, "unknown field '%s' in %s (expected %s)", k, what, sorted_keys(allowed))
    end
  end
end

local function positive_int(source, what, v, allow_zero)
  if v == nil then return nil end
  if math.type(v) ~= "integer" or v < 0 or (v == 0 and not allow_zero) then
    fail(source, "%s must be a %s integer, got %s", what,
         allow_zero and "non-negative" or "positive", tostring(v))
  end
  return v
end

-- Timeouts may be numbers (seconds) or strings ("90s", "5m"); C parses strings.
local function timeout_value(source, v)
  if v == nil then return nil end
  if type(v) == "number" then
    if v <= 0 then fail(source, "timeout must be positive, got %s", tostring(v)) end
    return tostring(v)
  end
  if type(v) ~= "string" then fail(source, "timeout must be a number or a string like '90s'") end
  return v
end

local function scalar_text(source, name, v)
  local t = type(v)
  if t == "string" then return v end
  if t == "number" then
    if math.type(v) == "integer" then return string.format("%d", v) end
    return tostring(v)
  end
  if t == "boolean" then return v and "1" or "0" end
  fail(source, "parameter '%s': values must be strings, numbers or booleans, got %s", name, t)
end

-- params = { size = "256M", threads = {1, 2} }: a list gives one configuration per value.
local function normalise_params(source, params)
  if params == nil then return {} end
  if type(params) ~= "table" then fail(source, "params must be a table") end
  local out = {}
  local names = {}
  for name in pairs(params) do
    if type(name) ~= "string" then fail(source, "params keys must be parameter names") end
    names[#names + 1] = name
  end
  table.sort(names) -- a stable order: the same scenario always expands the same way
  for _, name in ipairs(names) do
    local v = params[name]
    local values = {}
    if type(v) == "table" then
      if #v == 0 then fail(source, "parameter '%s' has an empty list of values", name) end
      for i, item in ipairs(v) do values[i] = scalar_text(source, name, item) end
    else
      values[1] = scalar_text(source, name, v)
    end
    out[#out + 1] = { name = name, values = values }
  end
  return out
end

local function normalise_policies(source, r)
  if r.policy ~= nil and r.policies ~= nil then
    fail(source, "give either 'policy' or 'policies', not both")
  end
  local list = r.policies
  if r.policy ~= nil then list = { r.policy } end
  if list == nil then return { "default" } end
  if type(list) == "string" then list = { list } end
  if type(list) ~= "table" or #list == 0 then
    fail(source, "policies must be a non-empty list of policy strings")
  end
  local out = {}
  for i, p in ipairs(list) do
    if type(p) ~= "string" then
      fail(source, "policies[%d] must be a string like 'membind=0', got %s", i, type(p))
    end
    out[i] = p
  end
  return out
end

--- run { workload = "stream", params = {...}, policies = {...}, reps = 3 }
function M.run(r)
  local source = caller_source(2, "run")
  if type(r) ~= "table" then fail(source, "run expects a table") end
  check_fields(source, "run", r, RUN_FIELDS)
  if type(r.workload) ~= "string" then fail(source, "run needs workload = \"name\"") end
  return {
    __nh_run = true,
    source = source,
    workload = r.workload,
    params = normalise_params(source, r.params),
    policies = normalise_policies(source, r),
    reps = positive_int(source, "reps", r.reps),
    warmup = positive_int(source, "warmup", r.warmup, true),
    timeout = timeout_value(source, r.timeout),
  }
end

--- scenario { name = "x", reps = 3, run {...}, run {...} }
function M.scenario(s)
  local source = caller_source(2, "scenario")
  if type(s) ~= "table" then fail(source, "scenario expects a table") end
  check_fields(source, "scenario", s, SCENARIO_FIELDS)
  if s.name ~= nil and (type(s.name) ~= "string" or not s.name:match("^[%w._-]+$")) then
    fail(source, "scenario name must be letters, digits, '.', '_' or '-', got %q", tostring(s.name))
  end
  local th = s.placement_threshold
  if th ~= nil and (type(th) ~= "number" or th <= 0 or th > 1) then
    fail(source, "placement_threshold must be a number in (0, 1], got %s", tostring(th))
  end
  local runs = {}
  for i, r in ipairs(s) do
    if type(r) ~= "table" or not r.__nh_run then
      fail(source, "scenario entry %d is not a run { ... }", i)
    end
    runs[i] = r
  end
  if #runs == 0 then fail(source, "scenario has no run { ... } entries") end
  local defaults = {
    reps = positive_int(source, "reps", s.reps) or 3,
    warmup = positive_int(source, "warmup", s.warmup, true) or 0,
    timeout = timeout_value(source, s.timeout) or "300",
  }
  for _, r in ipairs(runs) do
    r.reps = r.reps or defaults.reps
    r.warmup = r.warmup or defaults.warmup
    r.timeout = r.timeout or defaults.timeout
  end
  return {
    __nh_scenario = true,
    source = source,
    name = s.name,
    description = s.description,
    placement_threshold = th or 0.99,
    runs = runs,
  }
end

return M

-- nh.scenario: the scenario DSL. `scenario { ... }` and `run { ... }` check their fields and
-- remember the file:line they were written at, so every later error can point there. The C side
-- (harness/script/script.c) reads the normalised table this module returns. `expect { ... }` entries
-- (checks evaluated on the results after the sweep) sit beside the runs. `param(...)` declares a
-- value the operator may change with `run --set NAME=VALUE`.
local M = {}

local SCENARIO_FIELDS = { name = true, description = true, reps = true, warmup = true,
                          timeout = true, placement_threshold = true, unevaluated = true,
                          setup = true, before_run = true, after_run = true, after_config = true,
                          done = true, budget = true }
-- The hooks a scenario may give (functions the harness calls between runs, in this process).
local HOOKS = { "setup", "before_run", "after_run", "after_config", "done" }
local RUN_FIELDS = { workload = true, params = true, policies = true, policy = true, reps = true,
                     warmup = true, timeout = true }

-- The scenario file being loaded; the harness sets it before running the file.
M.path = nil

-- `run --set NAME=VALUE` values ({ NAME = "VALUE" }), and the parameters the file declared, in
-- order; the harness resets both (M.begin) before running each file.
M.overrides = {}
M.declared = {}

-- Size parser from C (nh_parse_size, the one used for workload parameters): bytes, or nil and
-- the reason. The harness installs it; without it sizes must be numbers.
M.parse_size = nil

function M.begin(path, overrides)
  M.path = path
  M.overrides = overrides or {}
  M.declared = {}
end

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

-- Where the constructor was called from: "file.lua:12". A call from one of the lua/nh modules
-- (nh.operator builds whole scenarios' runs and checks) counts as made where the scenario
-- called into the module: the operator reads the scenario, not the harness's sources.
local function caller_source(level, word)
  local callee = debug.getinfo(level, "t")
  local info = debug.getinfo(level + 1, "Sl")
  while info and info.source:sub(1, 8) == "=lua/nh/" do
    level = level + 1
    callee = debug.getinfo(level, "t")
    info = debug.getinfo(level + 1, "Sl")
  end
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

-- reps = { min = 3, max = 15, cv = 0.02, metric = "triad" }: repeat a configuration until the
-- coefficient of variation of the metric over its ok runs is at or below cv (after min), or max.
-- Stops on dispersion only, never on what the numbers say.
local function convergence(source, reps)
  check_fields(source, "reps", reps, { min = true, max = true, cv = true, metric = true })
  local min = positive_int(source, "reps.min", reps.min) or 3
  local max = positive_int(source, "reps.max", reps.max)
  if not max or max < min then fail(source, "reps.max must be an integer >= reps.min (%d)", min) end
  if min < 2 then fail(source, "reps.min must be at least 2: a cv needs two values") end
  if type(reps.cv) ~= "number" or reps.cv <= 0 then
    fail(source, "reps.cv must be a positive number, got %s", tostring(reps.cv))
  end
  if type(reps.metric) ~= "string" then
    fail(source, "reps = { cv = ... } needs metric = \"name\": the metric whose dispersion decides")
  end
  return { min = min, max = max, cv = reps.cv, metric = reps.metric, source = source }
end

--- run { workload = "stream", params = {...}, policies = {...}, reps = 3 }
function M.run(r)
  local source = caller_source(2, "run")
  if type(r) ~= "table" then fail(source, "run expects a table") end
  check_fields(source, "run", r, RUN_FIELDS)
  if type(r.workload) ~= "string" then fail(source, "run needs workload = \"name\"") end
  local converge
  if type(r.reps) == "table" then
    converge = convergence(source, r.reps)
    r = setmetatable({ reps = converge.min }, { __index = r })
  end
  return {
    converge = converge,
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

-- ---- parameters ----

-- Booleans as operators type them on a command line.
local BOOLEANS = { ["true"] = true, ["1"] = true, yes = true, on = true,
                   ["false"] = false, ["0"] = false, no = false, off = false }

-- The --set text read as the default's type. Errors name the --set and the param() line, so the
-- operator sees both what they typed and where the scenario declared it.
local function convert(source, name, default, text)
  local function bad(what)
    error(string.format("--set %s=%s: %s (%s)", name, text, what, source), 0)
  end
  local t = type(default)
  if t == "string" then return text end
  if t == "boolean" then
    local b = BOOLEANS[text:lower()]
    if b == nil then bad("not a boolean (use true/false or 1/0)") end
    return b
  end
  local v = tonumber(text)
  if v == nil or v ~= v or v == math.huge or v == -math.huge then bad("not a number") end
  -- An integer default (nodes = 2) takes integers only: 1.5 nodes is a typo, not a value.
  if math.type(default) == "integer" then
    local i = math.tointeger(v)
    if i == nil then bad("not an integer") end
    return i
  end
  return v + 0.0
end

--- local ratio = param("remote_local_ratio", 1.3, "expected remote/local latency ratio")
-- The default's type (number, boolean, string; an integer default takes integers only) decides
-- how `run --set NAME=VALUE` is read. Returns the value to use.
function M.param(name, default, help)
  local source = caller_source(2, "param")
  if type(name) ~= "string" or not name:match("^[%a_][%w_]*$") then
    fail(source, "param: the name must be letters, digits and '_', got %s", tostring(name))
  end
  local t = type(default)
  if t ~= "number" and t ~= "boolean" and t ~= "string" then
    fail(source, "param '%s': the default must be a number, a boolean or a string (its type "
         .. "decides how --set is read), got %s", name, t)
  end
  if help ~= nil and type(help) ~= "string" then
    fail(source, "param '%s': the help text must be a string, got %s", name, type(help))
  end
  for _, d in ipairs(M.declared) do
    if d.name == name then
      fail(source, "param '%s' is declared twice (first at %s)", name, d.source)
    end
  end
  local text = M.overrides[name]
  local value = default
  if text ~= nil then value = convert(source, name, default, text) end
  M.declared[#M.declared + 1] = {
    name = name, type = t, value = value, default = default, help = help or "",
    source = source, set = text ~= nil,
  }
  return value
end

-- After the file ran: a --set naming no declared parameter is an error listing the declared
-- ones (a typo must not silently leave the default in place). nil when every --set was used.
function M.unused_override()
  local names = {}
  for name in pairs(M.overrides) do names[#names + 1] = name end
  table.sort(names)
  for _, name in ipairs(names) do
    local known = false
    for _, d in ipairs(M.declared) do known = known or d.name == name end
    if not known then
      local list = {}
      for _, d in ipairs(M.declared) do list[#list + 1] = d.name end
      table.sort(list)
      return string.format("--set %s=%s: %s declares no parameter '%s' (%s)", name,
                           M.overrides[name], M.path or "the scenario", name,
                           #list > 0 and "parameters: " .. table.concat(list, ", ")
                             or "it declares none")
    end
  end
  return nil
end

-- ---- expectations ----

-- Each expectation names exactly one of these keys; the value says what kind of check it is.
local EXPECT_KINDS = { "nodes", "cpus_per_node", "distance", "node_memory",
                       "remote_local_latency_ratio", "placement", "numa_miss_ratio", "metric",
                       "counter", "outcomes" }
-- Host checks read the manifest's topology; they take "report" instead of a bound.
local HOST_KINDS = { nodes = true, cpus_per_node = true, distance = true, node_memory = true }
local EXPECT_FIELDS = { name = true, workload = true, policy = true, params = true, min = true,
                        max = true, ratio = true, strict = true }
for _, k in ipairs(EXPECT_KINDS) do EXPECT_FIELDS[k] = true end

-- Which of the other fields make sense for each kind: a filter on a topology check, or bounds
-- on an outcome check, would be silently meaningless, so they are errors.
local EXPECT_APPLIES = {
  nodes = {}, cpus_per_node = {}, distance = {}, node_memory = {},
  remote_local_latency_ratio = { params = true },
  placement = { workload = true, policy = true, params = true, strict = true },
  numa_miss_ratio = { workload = true, policy = true, params = true, strict = true },
  metric = { workload = true, policy = true, params = true, min = true, max = true },
  ratio = { workload = true, params = true, ratio = true },
  counter = { workload = true, policy = true, params = true, min = true, max = true },
  outcomes = { workload = true, policy = true, params = true },
}

local function number_field(source, what, v, integer)
  if v == nil then return nil end
  if type(v) ~= "number" or v ~= v or v == math.huge or v == -math.huge then
    local shown = type(v) == "number" and tostring(v) or type(v)
    fail(source, "%s must be a number, got %s", what, shown)
  end
  if integer and math.type(v) ~= "integer" and v ~= math.floor(v) then
    fail(source, "%s must be an integer, got %s", what, tostring(v))
  end
  return v
end

-- { min = a, max = b } with at least one of them, min <= max.
local function bound_table(source, what, t, integer)
  for k in pairs(t) do
    if k ~= "min" and k ~= "max" then
      fail(source, "unknown field '%s' in %s (expected max, min)", tostring(k), what)
    end
  end
  local lo = number_field(source, what .. ": min", t.min, integer)
  local hi = number_field(source, what .. ": max", t.max, integer)
  if lo == nil and hi == nil then fail(source, "%s needs min or max", what) end
  if lo ~= nil and hi ~= nil and lo > hi then
    fail(source, "%s: min %s is above max %s", what, tostring(lo), tostring(hi))
  end
  return lo, hi
end

-- A bound given as a number means `exact` (both ends), "min" or "max"; a table gives both.
local function bound(source, what, v, number_means, integer)
  if type(v) == "table" then return bound_table(source, what, v, integer) end
  if type(v) ~= "number" then
    fail(source, "%s must be a number or { min = ..., max = ... }, got %s", what, type(v))
  end
  number_field(source, what, v, integer)
  if number_means == "exact" then return v, v end
  if number_means == "min" then return v, nil end
  return nil, v
end

-- params = { threads = 2 }: one value each — a filter picks configurations, it does not expand.
local function expect_params(source, params)
  if params == nil then return {} end
  if type(params) ~= "table" then fail(source, "expect: params must be a table") end
  local names = {}
  for name, v in pairs(params) do
    if type(name) ~= "string" then fail(source, "expect: params keys must be parameter names") end
    if type(v) == "table" then
      fail(source, "expect: parameter '%s' takes one value (a filter), not a list", name)
    end
    names[#names + 1] = name
  end
  table.sort(names)
  local out = {}
  for i, name in ipairs(names) do
    out[i] = { name = name, value = scalar_text(source, name, params[name]) }
  end
  return out
end

local function optional_string(source, what, v)
  if v ~= nil and (type(v) ~= "string" or v == "") then
    fail(source, "%s must be a non-empty string, got %s", what, type(v))
  end
  return v
end

-- A byte size: a number of bytes, or a string nh_parse_size reads ("16G", "190GiB").
local function size_field(source, what, v)
  if v == nil then return nil end
  local bytes = v
  if type(v) == "string" then
    if not M.parse_size then fail(source, "%s: sizes must be numbers of bytes here", what) end
    local why
    bytes, why = M.parse_size(v)
    if bytes == nil then fail(source, "%s: %s", what, why) end
  elseif type(v) ~= "number" or v ~= v or v < 0 or v == math.huge then
    fail(source, "%s must be a size (\"16G\" or a number of bytes), got %s", what,
         type(v) == "number" and tostring(v) or type(v))
  end
  return math.tointeger(bytes) or math.floor(bytes)
end

-- node_memory = "16G" (a minimum: per-node MemTotal never equals the installed size exactly) or
-- { min = ..., max = ... }.
local function size_bound(source, v)
  if type(v) ~= "table" then return size_field(source, "node_memory", v), nil end
  for k in pairs(v) do
    if k ~= "min" and k ~= "max" then
      fail(source, "unknown field '%s' in node_memory (expected max, min)", tostring(k))
    end
  end
  local lo = size_field(source, "node_memory: min", v.min)
  local hi = size_field(source, "node_memory: max", v.max)
  if lo == nil and hi == nil then fail(source, "node_memory needs min or max") end
  if lo ~= nil and hi ~= nil and lo > hi then
    fail(source, "node_memory: min %s is above max %s", tostring(v.min), tostring(v.max))
  end
  return lo, hi
end

--- expect { placement = 0.99 }, expect { metric = "triad", min = 1e4, policy = "membind=0" }, ...
--- derive { name = "x", unit = "B", better = "lower", from = function(record) ... end }: a metric
--- computed from each ok record as it is stored (nil: absent, with the reason, never 0).
local DERIVE_FIELDS = { name = true, unit = true, better = true, from = true }
function M.derive(d)
  local source = caller_source(2, "derive")
  if type(d) ~= "table" then fail(source, "derive expects a table") end
  check_fields(source, "derive", d, DERIVE_FIELDS)
  if type(d.name) ~= "string" or not d.name:match("^[%a_][%w_]*$") or #d.name > 31 then
    fail(source, "derive needs name = a metric name (letters, digits, '_', at most 31), got %s",
         tostring(d.name))
  end
  if d.unit ~= nil and (type(d.unit) ~= "string" or #d.unit > 15) then
    fail(source, "derive %s: unit must be a string of at most 15 bytes", d.name)
  end
  local better = d.better or "none"
  if better ~= "higher" and better ~= "lower" and better ~= "none" then
    fail(source, "derive %s: better must be \"higher\", \"lower\" or \"none\", got %s", d.name,
         tostring(d.better))
  end
  if type(d.from) ~= "function" then
    fail(source, "derive %s: from must be a function(record)", d.name)
  end
  return { __nh_derive = true, source = source, name = d.name, unit = d.unit or "",
           better = better, from = d.from }
end

function M.expect(e)
  local source = caller_source(2, "expect")
  if type(e) ~= "table" then fail(source, "expect expects a table") end
  check_fields(source, "expect", e, EXPECT_FIELDS)
  local kind
  for _, k in ipairs(EXPECT_KINDS) do
    if e[k] ~= nil then
      if kind then
        fail(source, "expect has both '%s' and '%s': one check per expect { ... }", kind, k)
      end
      kind = k
    end
  end
  if not kind then
    fail(source, "expect needs one of: %s", table.concat(EXPECT_KINDS, ", "))
  end
  local ckind = kind
  if kind == "metric" and e.ratio ~= nil then ckind = "ratio" end
  local applies = EXPECT_APPLIES[ckind]
  for k in pairs(e) do
    if k ~= kind and k ~= "name" and not applies[k] then
      fail(source, "field '%s' does not apply to a %s expectation", k,
           ckind == "ratio" and "metric ratio" or kind)
    end
  end
  local out = {
    __nh_expect = true,
    source = source,
    kind = ckind,
    name = optional_string(source, "expect: name", e.name),
    workload = optional_string(source, "expect: workload", e.workload),
    policy = optional_string(source, "expect: policy", e.policy),
    params = expect_params(source, e.params),
    strict = false,
  }
  if e.strict ~= nil then
    if type(e.strict) ~= "boolean" then fail(source, "expect: strict must be true or false") end
    out.strict = e.strict
  end
  local v = e[kind]
  if HOST_KINDS[kind] and v == "report" then
    -- Evidence only: the host's figures go into the checks as "not evaluated", with the
    -- reason, for a scenario whose operator has not said what to expect.
    out.report = true
  elseif kind ~= "node_memory" and HOST_KINDS[kind] and type(v) == "string" then
    fail(source, "%s must be a number, { min = ..., max = ... } or \"report\", got %q", kind, v)
  elseif kind == "node_memory" then
    out.min, out.max = size_bound(source, v)
  elseif kind == "nodes" or kind == "cpus_per_node" or kind == "distance" then
    out.min, out.max = bound(source, kind, v, "exact", true)
  elseif kind == "remote_local_latency_ratio" then
    out.min, out.max = bound(source, kind, v, "min")
  elseif kind == "placement" then
    if type(v) == "table" then
      for k in pairs(v) do
        if k ~= "min" then
          fail(source, "unknown field '%s' in placement (expected min)", tostring(k))
        end
      end
      v = v.min
      if v == nil then fail(source, "placement needs min") end
    end
    if type(v) ~= "number" or v <= 0 or v > 1 then
      fail(source, "placement must be a fraction in (0, 1], got %s", tostring(v))
    end
    out.min = v
  elseif kind == "numa_miss_ratio" then
    if v == true then v = 0.15 end -- the default bound: 15% of allocations missed their node
    if type(v) == "table" then
      for k in pairs(v) do
        if k ~= "max" then
          fail(source, "unknown field '%s' in numa_miss_ratio (expected max)", tostring(k))
        end
      end
      v = v.max == nil and 0.15 or v.max
    end
    if type(v) ~= "number" or v < 0 or v > 1 then
      fail(source, "numa_miss_ratio must be a fraction in [0, 1] or { max = ... }, got %s",
           tostring(v))
    end
    out.max = v
  elseif kind == "metric" or kind == "counter" then
    out.what = optional_string(source, kind, v)
    if ckind == "ratio" then
      local r = e.ratio
      if type(r) ~= "table" then fail(source, "ratio must be { of = ..., to = ..., min = ... }") end
      for k in pairs(r) do
        if k ~= "of" and k ~= "to" and k ~= "min" and k ~= "max" then
          fail(source, "unknown field '%s' in ratio (expected max, min, of, to)", tostring(k))
        end
      end
      if type(r.of) ~= "string" or type(r.to) ~= "string" then
        fail(source, "ratio needs of = \"policy\" and to = \"policy\"")
      end
      out.of, out.to = r.of, r.to
      out.min, out.max = bound_table(source, "ratio", { min = r.min, max = r.max })
    else
      out.min, out.max = bound_table(source, kind, { min = e.min, max = e.max })
    end
  elseif kind == "outcomes" then
    if v ~= "ok" and v ~= "ok-or-skipped" then
      fail(source, "outcomes must be \"ok\" or \"ok-or-skipped\", got %s", tostring(v))
    end
    out.outcomes = v
  end
  return out
end

-- The coefficient of variation (sample stdev / |mean|) of xs, or nil.
local function cv_of(xs)
  local n, sum = #xs, 0
  if n < 2 then return nil end
  for _, x in ipairs(xs) do sum = sum + x end
  local mean, ss = sum / n, 0
  for _, x in ipairs(xs) do ss = ss + (x - mean) ^ 2 end
  if mean == 0 then return nil end
  return math.sqrt(ss / (n - 1)) / math.abs(mean)
end

-- after_config with the convergence rules of reps = { cv = }: the scenario's own after_config
-- first (its "again" wins), then "again" while the rule wants more. What each configuration
-- reached goes to M.converged (the harness writes it into the manifest).
M.converged = {}
function M.converging(hooks, rules)
  if next(rules) == nil then return hooks end
  local own = hooks.after_config
  hooks.after_config = function(cfg)
    if own and own(cfg) == "again" then return "again" end
    local first = cfg.records[1]
    local rule = first and rules[first.source]
    if not rule then return nil end
    local xs = {}
    for _, r in ipairs(cfg.records) do
      local m = r.metrics and r.metrics[rule.metric]
      if r.warmup ~= true and r.outcome == "ok" and m and type(m.value) == "number" then
        xs[#xs + 1] = m.value
      end
    end
    local counted = 0
    for _, r in ipairs(cfg.records) do if r.warmup ~= true then counted = counted + 1 end end
    local cv = cv_of(xs)
    local converged = counted >= rule.min and cv ~= nil and cv <= rule.cv
    if not converged and counted < rule.max then return "again" end
    M.converged[#M.converged + 1] = {
      config = cfg.config, source = rule.source, metric = rule.metric,
      rule = string.format("cv(%s) <= %g after %d..%d reps", rule.metric, rule.cv, rule.min, rule.max),
      n = counted, cv = cv, converged = converged,
    }
    return nil
  end
  return hooks
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
  if s.unevaluated ~= nil and s.unevaluated ~= "pass" and s.unevaluated ~= "fail" then
    fail(source, "unevaluated must be \"pass\" or \"fail\", got %s", tostring(s.unevaluated))
  end
  local budget
  if s.budget ~= nil then
    if type(s.budget) ~= "table" then fail(source, "budget must be a table { runs = N, time = \"2h\" }") end
    check_fields(source, "budget", s.budget, { runs = true, time = true })
    budget = { source = source, runs = positive_int(source, "budget.runs", s.budget.runs),
               time = timeout_value(source, s.budget.time) }
  end
  local hooks = {}
  for _, h in ipairs(HOOKS) do
    if s[h] ~= nil and type(s[h]) ~= "function" then
      fail(source, "scenario field '%s' must be a function, got %s", h, type(s[h]))
    end
    hooks[h] = s[h]
  end
  local runs, expects, derives = {}, {}, {}
  local rules = {} -- reps = { cv = } per run { } line
  for i, r in ipairs(s) do
    if type(r) == "table" and r.__nh_run then
      runs[#runs + 1] = r
      if r.converge then rules[r.source] = r.converge end
    elseif type(r) == "table" and r.__nh_expect then
      expects[#expects + 1] = r
    elseif type(r) == "table" and r.__nh_derive then
      for _, d in ipairs(derives) do
        if d.name == r.name then fail(r.source, "derive %s: already derived at %s", r.name, d.source) end
      end
      derives[#derives + 1] = r
    else
      fail(source, "scenario entry %d is not a run { ... }, an expect { ... } or a derive { ... }", i)
    end
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
    unevaluated = s.unevaluated or "pass",
    runs = runs,
    expects = expects,
    hooks = M.converging(hooks, rules),
    derives = derives,
    budget = budget,
  }
end

return M

-- nh.search: searches over a measurement function, so they work with any way of measuring (a
-- scenario's nh.search, a test's synthetic curve). `measure(x)` returns the metric at x, or nil
-- and a reason: a failed measurement, recorded, after which the search goes on where it can or
-- ends with nil and a reason. An error raised by measure (a scenario's time budget, Ctrl-C) is
-- not caught: it stops the search.
--
--   knee{xs=, measure=, fraction=0.95, reps=1, tolerance=0}: the smallest x whose value reaches
--     a fraction of the curve's maximum, bisecting where the curve allows
--   bisect{lo=, hi=, measure=, pred=, integer=true, max_steps=20}: the smallest x where pred holds
--   until_stable{measure=, min=3, max=15, cv=0.02}: measure until the values' CV is small enough
--
-- Argument errors are one line, raised at the caller's line: "x.lua:3: search.knee: fraction
-- must be in (0, 1], got 1.5".
local M = {}

-- The harness's own copies: what a caller does to its globals changes nothing here.
local error, type, pairs, ipairs, tostring = error, type, pairs, ipairs, tostring
local format, concat, sort = string.format, table.concat, table.sort
local sqrt, abs, huge, mtype, tointeger = math.sqrt, math.abs, math.huge, math.type, math.tointeger
local getinfo = debug.getinfo

local SELF = getinfo(1, "S").source

-- ---- arguments ----

local function show(v)
  if mtype(v) == "integer" then return tostring(v) end
  if type(v) == "number" then return format("%.6g", v) end
  if type(v) == "string" then return '"' .. v .. '"' end
  return type(v)
end

-- Raise an argument error at the first frame outside this module: the caller's line, however
-- deep in the module's helpers the check was made.
local function argerr(fn, fmt, ...)
  local level = 2
  while true do
    local info = getinfo(level, "S")
    if not info or info.source ~= SELF then break end
    level = level + 1
  end
  error(format("search.%s: " .. fmt, fn, ...), level)
end

local function check_fields(fn, args, allowed)
  if type(args) ~= "table" then
    argerr(fn, "expected a table of arguments (search.%s{ ... }), got %s", fn, show(args))
  end
  for k in pairs(args) do
    if not allowed[k] then
      local names = {}
      for name in pairs(allowed) do names[#names + 1] = name end
      sort(names)
      argerr(fn, "unknown field %s (expected %s)", show(k), concat(names, ", "))
    end
  end
end

local function need_function(fn, args, key)
  local f = args[key]
  if type(f) ~= "function" then argerr(fn, "%s must be a function, got %s", key, show(f)) end
  return f
end

-- A number argument: its default when absent; ok(v) says whether it is allowed, `what` how.
local function number_arg(fn, args, key, default, ok, what)
  local v = args[key]
  if v == nil then return default end
  if type(v) ~= "number" or v ~= v or not ok(v) then argerr(fn, "%s must be %s, got %s", key, what, show(v)) end
  return v
end

local function int_arg(fn, args, key, default, least)
  local v = args[key]
  if v == nil then return default end
  if mtype(v) ~= "integer" or v < least then
    argerr(fn, "%s must be an integer >= %d, got %s", key, least, show(v))
  end
  return v
end

-- ---- statistics ----

local function median(values)
  local n = #values
  if n == 0 then return nil end
  local s = {}
  for i = 1, n do s[i] = values[i] end
  sort(s)
  if n % 2 == 1 then return s[(n + 1) // 2] end
  return (s[n // 2] + s[n // 2 + 1]) / 2
end

local function mean(values)
  local sum = 0
  for _, v in ipairs(values) do sum = sum + v end
  return sum / #values
end

-- Coefficient of variation with the sample stdev (n - 1); nil below two values. Equal values
-- give 0 whatever their mean; a zero mean with spread gives inf (never stable).
local function cv_of(values)
  local n = #values
  if n < 2 then return nil end
  local m = mean(values)
  local ss = 0
  for _, v in ipairs(values) do ss = ss + (v - m) ^ 2 end
  local sd = sqrt(ss / (n - 1))
  if sd == 0 then return 0 end
  if m == 0 then return huge end
  return sd / abs(m)
end

-- One call of measure: the value, or nil and why. Anything but a finite number is a failure.
local function call(measure, x)
  local v, why = measure(x)
  if type(v) ~= "number" then
    if v == nil then return nil, why ~= nil and tostring(why) or "measure returned nil" end
    return nil, format("measure returned a %s, not a number", type(v))
  end
  if v ~= v or v == huge or v == -huge then return nil, format("measure returned %s", tostring(v)) end
  return v
end

-- ---- knee ----

local KNEE_FIELDS = { xs = true, measure = true, fraction = true, reps = true, tolerance = true }

--- knee{xs = {1, 2, 4, 8}, measure = f, fraction = 0.95, reps = 3, tolerance = 0.02}
-- value(x) is the median of the successful measurements among reps calls of measure(x); max is
-- the largest value measured, max_x its (smallest) x. x reaches the knee when
--   value(x) >= fraction * max * (1 - tolerance)
-- and the knee is the smallest such x. The curve is first assumed non-decreasing within the
-- tolerance (every measured value(a) <= value(b) * (1 + tolerance) for a < b): the largest x is
-- measured first, then the smallest reaching x is bisected, so about log2(#xs) + 1 points are
-- measured instead of all. A measured pair that breaks the assumption, a failed point, or a
-- bisected answer that no longer reaches the final max makes it measure every point (method
-- "exhaustive", the note says why). Each point is measured once (reps calls).
function M.knee(args)
  check_fields("knee", args, KNEE_FIELDS)
  local xs = args.xs
  if type(xs) ~= "table" or #xs == 0 then
    argerr("knee", "xs must be a non-empty list of numbers, got %s",
           type(xs) == "table" and "an empty list" or show(xs))
  end
  for i = 1, #xs do
    if type(xs[i]) ~= "number" or xs[i] ~= xs[i] then
      argerr("knee", "xs[%d] must be a number, got %s", i, show(xs[i]))
    end
    if i > 1 and xs[i] <= xs[i - 1] then
      argerr("knee", "xs must be increasing: xs[%d] = %s after xs[%d] = %s", i, show(xs[i]), i - 1,
             show(xs[i - 1]))
    end
  end
  local measure = need_function("knee", args, "measure")
  local fraction = number_arg("knee", args, "fraction", 0.95, function(v) return v > 0 and v <= 1 end,
                              "in (0, 1]")
  local reps = int_arg("knee", args, "reps", 1, 1)
  local tolerance = number_arg("knee", args, "tolerance", 0, function(v) return v >= 0 and v < 1 end,
                               "in [0, 1)")

  local n = #xs
  local points, runs = {}, 0 -- points[i]: { x=, values=, median=, errors= } once measured
  local function at(i)
    local p = points[i]
    if not p then
      p = { x = xs[i], values = {} }
      for _ = 1, reps do
        local v, why = call(measure, xs[i])
        runs = runs + 1
        if v then
          p.values[#p.values + 1] = v
        else
          p.errors = p.errors or {}
          p.errors[#p.errors + 1] = why
        end
      end
      p.median = median(p.values)
      points[i] = p
    end
    return p.median, p.errors and p.errors[1]
  end
  local function max_measured()
    local max, max_x
    for i = 1, n do
      local v = points[i] and points[i].median
      if v and (not max or v > max) then max, max_x = v, xs[i] end
    end
    return max, max_x
  end
  local function reaches(v, max) return v >= fraction * max * (1 - tolerance) end
  -- The first measured pair that is not non-decreasing within the tolerance, as a sentence.
  local function violation()
    local best, best_x
    for i = 1, n do
      local v = points[i] and points[i].median
      if v then
        if best and best > v * (1 + tolerance) then
          return format("non-monotone beyond the tolerance %s: x=%s gives %s, above x=%s's %s",
                        show(tolerance), show(best_x), show(best), show(xs[i]), show(v))
        end
        if not best or v > best then best, best_x = v, xs[i] end
      end
    end
  end

  local why -- set: fall back to measuring every point
  local top, failed = at(n)
  local lo, hi = 1, n
  if not top then
    why = format("measure failed at the largest x=%s (%s)", show(xs[n]), failed)
  elseif top <= 0 then
    why = format("the largest x=%s gives %s, not a positive maximum", show(xs[n]), show(top))
  else
    -- Invariant: points below lo do not reach the max measured so far (it only grows, so they
    -- never will); hi reached it when measured, checked again at the end.
    while lo < hi do
      local mid = (lo + hi) // 2
      local v
      v, failed = at(mid)
      if not v then
        why = format("measure failed at x=%s (%s)", show(xs[mid]), failed)
        break
      end
      why = violation()
      if why then break end
      if reaches(v, (max_measured())) then hi = mid else lo = mid + 1 end
    end
    if not why then
      local max, max_x = max_measured()
      if not reaches(points[hi].median, max) then
        why = format("x=%s (%s) does not reach %s of the maximum %s found at x=%s",
                     show(xs[hi]), show(points[hi].median), show(fraction), show(max), show(max_x))
      end
    end
  end
  if why then
    for i = 1, n do at(i) end
  end

  local measured, failures = {}, {}
  for i = 1, n do
    local p = points[i]
    if p then
      measured[#measured + 1] = p
      if not p.median then failures[#failures + 1] = format("x=%s: %s", show(p.x), p.errors[1]) end
    end
  end
  local max, max_x = max_measured()
  if not max then
    return nil, format("search.knee: every measurement failed (%s)", concat(failures, "; "))
  end
  if max <= 0 then
    return nil, format("search.knee: the curve's maximum is %s (x=%s): a fraction of it needs a "
                       .. "positive maximum", show(max), show(max_x))
  end
  local knee, note
  if why then
    for i = 1, n do
      local v = points[i].median
      if v and reaches(v, max) then knee = points[i]; break end
    end
    note = why .. format("; measured every point (%d runs)", runs)
    local unknown = {} -- failed points below the knee: it could be one of them
    for _, p in ipairs(measured) do
      if not p.median and p.x < knee.x then unknown[#unknown + 1] = show(p.x) end
    end
    if #unknown > 0 then
      note = note .. format("; no value at x=%s, below x=%s: the knee could be there",
                            concat(unknown, ", "), show(knee.x))
    end
  else
    knee = points[hi]
    note = format("bisection: %d of %d points measured (%d runs, %d for every point); the curve is "
                  .. "assumed non-decreasing between them within the tolerance", #measured, n, runs,
                  n * reps)
  end
  return {
    x = knee.x, value = knee.median, max = max, max_x = max_x, threshold = fraction * max,
    measured = measured, runs = runs, method = why and "exhaustive" or "bisect", note = note,
  }
end

-- ---- bisect ----

local BISECT_FIELDS = { lo = true, hi = true, measure = true, pred = true, integer = true,
                        max_steps = true }

--- bisect{lo = 1, hi = 64, measure = f, pred = function(value, x) return value >= 1e4 end}
-- The smallest x in [lo, hi] where pred(measure(x), x) holds, pred assumed monotone (false
-- then true). Measures hi (pred must hold there, else nil and why), then lo, then halves
-- [below, x] at most max_steps times: for integers until below and x are adjacent, for reals
-- all max_steps times. Returns { x=, value=, steps= (halvings), runs= (measure calls), below=
-- (the largest x where pred failed; nil when it holds at lo), exact= (x is the smallest: pred
-- holds at lo, or integer and below + 1 == x), measured = { {x=, value=, holds=, error=}... } }.
-- A failed measurement ends it with nil and why: an unmeasured point cannot be decided.
function M.bisect(args)
  check_fields("bisect", args, BISECT_FIELDS)
  local measure = need_function("bisect", args, "measure")
  local pred = need_function("bisect", args, "pred")
  local integer = args.integer
  if integer == nil then integer = true end
  if type(integer) ~= "boolean" then argerr("bisect", "integer must be a boolean, got %s", show(integer)) end
  local lo, hi = args.lo, args.hi
  for _, key in ipairs({ "lo", "hi" }) do
    local v = args[key]
    if type(v) ~= "number" or v ~= v or v == huge or v == -huge then
      argerr("bisect", "%s must be a finite number, got %s", key, show(v))
    end
    if integer and not tointeger(v) then
      argerr("bisect", "%s must be an integer (or give integer = false), got %s", key, show(v))
    end
  end
  if integer then lo, hi = tointeger(lo), tointeger(hi) end
  if lo > hi then argerr("bisect", "lo (%s) is greater than hi (%s)", show(lo), show(hi)) end
  local max_steps = int_arg("bisect", args, "max_steps", 20, 1)

  local measured, runs = {}, 0
  local function test(x)
    local v, why = call(measure, x)
    runs = runs + 1
    local e = { x = x, value = v, error = why }
    if v ~= nil then e.holds = pred(v, x) and true or false end
    measured[#measured + 1] = e
    return e
  end
  local good = test(hi)
  if good.value == nil then
    return nil, format("search.bisect: measure failed at hi=%s: %s", show(hi), good.error)
  end
  if not good.holds then
    return nil, format("search.bisect: pred does not hold at hi=%s (value %s)", show(hi), show(good.value))
  end
  local below
  if lo < hi then
    local e = test(lo)
    if e.value == nil then
      return nil, format("search.bisect: measure failed at lo=%s: %s", show(lo), e.error)
    end
    if e.holds then good = e else below = lo end
  end
  local steps = 0
  while below ~= nil and steps < max_steps and not (integer and good.x - below <= 1) do
    local mid = integer and (below + good.x) // 2 or (below + good.x) / 2
    if mid == below or mid == good.x then break end -- reals: no room left between them
    steps = steps + 1
    local e = test(mid)
    if e.value == nil then
      return nil, format("search.bisect: measure failed at x=%s (%s); pred holds at %s, not at %s",
                         show(mid), e.error, show(good.x), show(below))
    end
    if e.holds then good = e else below = mid end
  end
  return {
    x = good.x, value = good.value, steps = steps, runs = runs, below = below,
    exact = below == nil or (integer and good.x - below <= 1), measured = measured,
  }
end

-- ---- until_stable ----

local STABLE_FIELDS = { measure = true, min = true, max = true, cv = true }

--- until_stable{measure = f, min = 3, max = 15, cv = 0.02}
-- Calls measure(i) (i = 1, 2, ...: the attempt) until, with at least min values, the
-- coefficient of variation of all values so far (sample stdev / |mean|) is at or below cv, or
-- max calls were made (failed calls count: a measure that always fails ends). Returns
-- { values=, n=, mean=, cv=, converged=, rule = "cv<=0.02 after n>=3", attempts=, failures =
-- { {attempt=, reason=}... } }, or nil and why when no call succeeded.
function M.until_stable(args)
  check_fields("until_stable", args, STABLE_FIELDS)
  local measure = need_function("until_stable", args, "measure")
  local min = args.min
  if min ~= nil and (mtype(min) ~= "integer" or min < 2) then
    argerr("until_stable", "min must be an integer >= 2 (a CV needs two values), got %s", show(min))
  end
  min = min or 3
  local max = int_arg("until_stable", args, "max", 15, 1)
  if max < min then argerr("until_stable", "max (%d) is less than min (%d)", max, min) end
  local target = number_arg("until_stable", args, "cv", 0.02, function(v) return v >= 0 and v < huge end,
                            "a finite number >= 0")

  local values, failures, attempts, c = {}, {}, 0, nil
  while attempts < max do
    attempts = attempts + 1
    local v, why = call(measure, attempts)
    if v == nil then
      failures[#failures + 1] = { attempt = attempts, reason = why }
    else
      values[#values + 1] = v
      c = cv_of(values)
      if #values >= min and c <= target then break end
    end
  end
  if #values == 0 then
    return nil, format("search.until_stable: every measurement failed (%d of %d; first: %s)",
                       #failures, attempts, failures[1].reason)
  end
  return {
    values = values, n = #values, mean = mean(values), cv = c,
    converged = #values >= min and c <= target,
    rule = format("cv<=%g after n>=%d", target, min), attempts = attempts, failures = failures,
  }
end

return M

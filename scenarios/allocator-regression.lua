-- allocator-regression: "did my allocator change make malloc/free slower?" For allocator
-- engineers: the churn workload (malloc/free of a mixed size population around a retained live
-- set, with and without cross-thread frees) through each allocator, then every configuration's
-- runs against the same configuration of a baseline run, one check each.
--
--   # 1. the baseline: before the change (or the main branch's build)
--   numaharness run scenarios/allocator-regression.lua --out results/alloc-base
--   # 2. the candidate: after the change, compared with the baseline
--   numaharness run scenarios/allocator-regression.lua --set baseline=results/alloc-base
--
-- Your own build of one allocator, old and new side by side (one allocator in each run: the two
-- are paired whatever their paths):
--
--   numaharness run scenarios/allocator-regression.lua \
--       --set allocators=/opt/je-old/lib/libjemalloc.so.2 --out results/je-old
--   numaharness run scenarios/allocator-regression.lua \
--       --set allocators=/opt/je-new/lib/libjemalloc.so.2 --set baseline=results/je-old
--
-- Each check passes, fails or is not evaluated:
-- * fail: the candidate is worse than the baseline by more than `threshold` (median against
--   median) AND the difference is significant (Mann-Whitney p < alpha over the two runs'
--   values) — a regression, exit status 1;
-- * pass: no worse than `threshold`, or worse but not significantly so (the detail says which,
--   with the change, its bootstrap interval and p);
-- * not evaluated, with the reason: no baseline (`--set baseline=DIR`, the detail names this
--   run's directory), the baseline has no such configuration (run both with the same settings:
--   quick, allocators, policy), a side with no ok run (a missing allocator library is a skipped
--   run naming its Debian package), or too few runs for the test to reach alpha at all (with 3
--   and 3 runs no p is below 0.1: --set reps=N).
-- Both runs belong on the same host, idle, with the same settings; `numaharness compare
-- results/alloc-base results/<candidate>` shows every metric side by side. The test takes each
-- run's repetitions as independent samples: a host whose speed drifts between the two runs (a
-- shared VM, another job, frequency scaling) shows as a "significant" change, in both
-- directions — on the 2-vCPU development VM two runs of the same libraries differed by up to
-- 3x in ns_per_op. Run an A/A pair (the same build twice) once on a new host to see its floor.
--
-- The metric compared (`metric`) is by default ns_per_op, derived below: the wall time one
-- thread spends per malloc or free, threads / ops_per_s. ops_per_s sums every thread, so it
-- scales with the thread count (threads = all: the host's CPUs) and moves when a run's threads
-- get less CPU; per thread, the figure is what an allocator change changes — the cost of its
-- fast and slow paths, the frees handed to another thread included — in the unit allocator
-- engineers think in, and comparable between hosts of different sizes. Lower is better.
-- Any churn metric can be compared instead: --set metric=alloc_p99_ns (tail latency),
-- rss_overhead (memory cost: peak RSS / peak live bytes), returned_ratio, ...

local quick = param("quick", false,
  "a smoke test in seconds: 16M live, 300 ms per run, 4 repetitions, no warm-up")
local baseline = param("baseline", "", "results directory of the baseline run")
local threshold = param("threshold", 0.05,
  "the largest change for the worse that is not a regression, as a fraction (0.05: 5%)")
local alpha = param("alpha", 0.05, "significance level of the Mann-Whitney test")
local allocators = param("allocators", "glibc,jemalloc,tcmalloc,mimalloc",
  "comma-separated allocators: glibc, jemalloc, tcmalloc, mimalloc or /path/to/lib.so")
local policy = param("policy", "default", "the memory/CPU policy of every run, e.g. membind=0")
local reps = param("reps", 0, "repetitions per configuration (0: 8; quick: 4)")
local metric = param("metric", "ns_per_op", "the metric compared with the baseline")

-- What is better for each metric this scenario can compare.
local BETTER = {
  ns_per_op = "lower", ops_per_s = "higher", alloc_p50_ns = "lower", alloc_p99_ns = "lower",
  alloc_p999_ns = "lower", free_p99_ns = "lower", peak_rss_bytes = "lower",
  rss_overhead = "lower", rss_after_free_bytes = "lower", returned_ratio = "higher",
}
if not BETTER[metric] then
  local names = {}
  for name in pairs(BETTER) do names[#names + 1] = name end
  table.sort(names)
  error(string.format("metric %s cannot be compared here (one of %s)", metric,
                      table.concat(names, ", ")))
end
if threshold < 0 or threshold >= 1 then
  error(string.format("threshold must be in [0, 1), got %s", threshold))
end
if alpha <= 0 or alpha >= 1 then error(string.format("alpha must be in (0, 1), got %s", alpha)) end
if reps < 0 then error(string.format("reps must be 0 (the default) or more, got %d", reps)) end
if reps == 0 then reps = quick and 4 or 8 end

local list = {}
for name in allocators:gmatch("[^,]+") do
  name = name:match("^%s*(.-)%s*$")
  if name ~= "" then list[#list + 1] = name end
end
if #list == 0 then error("allocators: no allocator named (e.g. glibc,jemalloc)") end

-- A baseline that cannot be read stops here, before anything runs: nh.results names the
-- directory and why, at this line.
if baseline ~= "" then
  local b <close> = nh.results(baseline)
  local churn = 0
  for _, c in ipairs(b:configs()) do
    if c.workload == "churn" then churn = churn + 1 end
  end
  if churn == 0 then
    error(string.format("baseline %s has no churn runs: not a results directory of "
                        .. "allocator-regression", baseline))
  end
end

-- This run's configurations as they end: what each measured, or why it has nothing.
local measured = {}

local function check_name(c)
  return string.format("%s vs baseline: %s, cross=%s%%, %s", metric, c.allocator, c.cross,
                       c.policy)
end

local function pct(change) return string.format("%+.1f%%", 100 * change) end

-- The candidate's values against the baseline's: ok (true/false, nil: not evaluated), the
-- detail, and the check's bounds.
local function judge(base, cand, unit)
  if #base < 2 or #cand < 2 then
    return nil, string.format("insufficient data: %d baseline and %d candidate values of %s "
                              .. "(at least 2 each)", #base, #cand, metric)
  end
  local mw = nh.stats.mann_whitney(base, cand)
  if mw.min_p >= alpha then
    return nil, string.format("insufficient data: with %d and %d runs the smallest p the "
                              .. "Mann-Whitney test can give is %.3g, not below alpha %g; more "
                              .. "repetitions in both runs (--set reps=N)", #base, #cand,
                              mw.min_p, alpha)
  end
  local ch = nh.stats.bootstrap_change(base, cand)
  if not ch.change then
    return nil, string.format("the baseline's median %s is 0: no relative change", metric)
  end
  -- the relative change: median(cand) / median(base) - 1
  local worse = BETTER[metric] == "lower" and ch.change or -ch.change
  local regressed, significant = worse > threshold, mw.p < alpha
  local what
  if regressed and significant then
    what = string.format("a regression: worse by more than %g%% and significant", 100 * threshold)
  elseif regressed then
    what = string.format("worse by more than %g%%, but not significant (p >= %g)",
                         100 * threshold, alpha)
  elseif worse > 0 then
    what = string.format("within %g%%", 100 * threshold)
  else
    what = significant and "better, significantly" or "no worse"
  end
  local detail = string.format("%s (median %.4g -> %.4g %s; %g%% interval %s .. %s), "
                               .. "Mann-Whitney p = %.3g over %d and %d runs: %s",
                               pct(ch.change), nh.stats.median(base), nh.stats.median(cand),
                               unit or "", 100 * ch.level, pct(ch.change_low or 0 / 0),
                               pct(ch.change_high or 0 / 0), mw.p, #base, #cand, what)
  local bounds = { value = 1 + ch.change }
  if BETTER[metric] == "lower" then bounds.max = 1 + threshold else bounds.min = 1 - threshold end
  return not (regressed and significant), detail, bounds
end

return scenario {
  name = "allocator-regression",
  description = "allocator churn under every allocator, each configuration against a baseline",
  reps = reps,
  warmup = quick and 0 or 1,
  timeout = "5m",
  derive {
    name = "ns_per_op", unit = "ns", better = "lower",
    from = function(r)
      local ops = r.metrics and r.metrics.ops_per_s
      local threads = tonumber(r.notes and r.notes.threads)
      if not (ops and type(ops.value) == "number" and ops.value > 0 and threads) then
        return nil
      end
      return threads * 1e9 / ops.value
    end,
  },
  run {
    workload = "churn",
    params = {
      allocator = list,
      sizes = "mixed",
      live = quick and "16M" or "256M",
      cross = { 0, 25 },
      duration = quick and "300ms" or "2s",
    },
    policies = { policy },
  },

  after_config = function(cfg)
    local c = { policy = cfg.policy, allocator = cfg.params.allocator, cross = cfg.params.cross,
                params = {}, values = {}, why = nil }
    for k, v in pairs(cfg.params) do
      if k ~= "allocator" then c.params[k] = v end
    end
    for _, r in ipairs(cfg.records) do
      local m = r.metrics and r.metrics[metric]
      if r.outcome == "ok" and not r.warmup and m and type(m.value) == "number" then
        c.values[#c.values + 1] = m.value
        c.unit = m.unit
      elseif r.outcome ~= "ok" and not c.why then
        c.why = string.format("%s: %s", r.outcome, r.reason ~= "" and r.reason or "no reason given")
      end
    end
    measured[#measured + 1] = c
  end,

  done = function(results)
    if baseline == "" then
      for _, c in ipairs(measured) do
        nh.check(check_name(c), nil,
                 string.format("no baseline to compare with: run again with --set baseline=%s "
                               .. "to compare with this run", results.dir))
      end
      return
    end
    local b <close> = nh.results(baseline)
    -- One allocator in each run: those two are paired, whatever their names or paths.
    local theirs = {}
    for _, bc in ipairs(b:configs()) do
      if bc.workload == "churn" then theirs[bc.allocator] = true end
    end
    local only = next(theirs)
    if only and next(theirs, only) ~= nil then only = nil end
    local paired = #list == 1 and only and only ~= list[1] and only or nil
    local with = paired and string.format(" (paired with the baseline's %s)", paired) or ""
    for _, c in ipairs(measured) do
      local ok, detail, bounds
      local found, key, why = pcall(b.find, b, { workload = "churn", policy = c.policy,
                                                allocator = paired or c.allocator,
                                                params = c.params })
      if #c.values == 0 then
        detail = string.format("no ok run of this configuration has %s (%s)", metric,
                               c.why or "no value")
      elseif not found then
        detail = "the baseline's configuration: " .. tostring(key)
      elseif not key then
        detail = "the baseline has no such configuration (run both with the same quick, "
                 .. "allocators and policy): " .. why
      else
        local base = b:values(key, metric)
        if #base == 0 then
          detail = string.format("no ok run of the baseline's configuration has %s", metric)
        else
          ok, detail, bounds = judge(base, c.values, c.unit)
        end
      end
      nh.check(check_name(c), ok, detail .. with, bounds)
    end
  end,
}

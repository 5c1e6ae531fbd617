-- nh.operator: the runs and checks of the operator's validation scenarios — bios-check on a host,
-- numatune-check inside a guest — so that each scenario file holds only what is its own: its
-- parameters with their help texts, what its checks call the parts of the machine, and the
-- comments an operator reads. The values come in `params`, the table of the scenario's
-- param(...) values: quick, strict, chase_size, stream_size (the runs and the scenario's
-- settings); nodes, cpus_per_node, node_memory, distance_min, distance_max, remote_local_ratio,
-- remote_local_ratio_max, bandwidth_balance, latency_balance, placement, numa_miss_max and,
-- optionally, triad_min (the checks). Runs and checks built here are attributed to the scenario
-- line that called in (nh.scenario skips frames of the lua/nh modules), so the checks' sources
-- and the errors point into the scenario.
local S = require("nh.scenario")
local policies = require("nh.policies")
local M = {}

-- A value the builder needs from `params`. Errors are raised at level 3: the scenario line
-- that called the builder (1 is here, 2 the builder).
local function need(values, name, what)
  local v = values[name]
  if v == nil then
    error(string.format("%s needs params.%s (a param(\"%s\", ...) of the scenario)", what, name,
                        name), 3)
  end
  return v
end

-- What each builder's table takes; anything else is a typo in a scenario.
local function check_options(what, o, allowed)
  if type(o) ~= "table" then error(what .. " expects a table", 3) end
  for k in pairs(o) do
    if not allowed[k] then
      local names = {}
      for name in pairs(allowed) do names[#names + 1] = name end
      table.sort(names)
      error(string.format("unknown field '%s' in %s (expected %s)", tostring(k), what,
                          table.concat(names, ", ")), 3)
    end
  end
  if type(o.topo) ~= "table" then error(what .. " needs topo = topo", 3) end
  if type(o.params) ~= "table" then error(what .. " needs params = { ... } (the param values)", 3) end
end

local function pair(a, b) return string.format("cpunodebind=%d membind=%d", a, b) end

local function cpu_nodes(topo)
  local out = {}
  for _, n in ipairs(topo.nodes) do
    if #n.cpus > 0 then out[#out + 1] = n.id end
  end
  return out
end

-- A shape check: checked when the operator gave a value, else the host's figure as evidence,
-- named after the --set that would check it.
local function shape(kind, given, bound, listed, unit)
  if given then return S.expect { [kind] = bound } end
  return S.expect { [kind] = "report",
                    name = string.format("%s (not checked: --set %s=%s)", listed, kind, unit) }
end

-- Node n's local figure against the first node's, within [b, 1/b].
local function balance(word, what, metric, n, first, b)
  return S.expect {
    name = string.format("local %s balance: %s %d / %s %d", what, word, n, word, first),
    metric = metric,
    ratio = { of = pair(n, n), to = pair(first, first), min = b, max = 1 / b },
  }
end

local EXPECT = { nodes = true, cpus_per_node = true, node_memory = true, node = true, topo = true,
                 params = true }

--- operator.expect { nodes = "nodes", cpus_per_node = "CPUs per node",
--                    node_memory = "memory per node", node = "node", params = p, topo = topo }
-- The checks, in this order: the shape (nodes, CPUs per node, MemTotal per node: checked when
-- the parameter gives a value, else the figures listed as evidence, the check named with the
-- words given here; SLIT distances); the remote/local latency ratio (unless both bounds are
-- 0); every node's local triad and latency against the first node's (`node`: what a node is
-- called); every node's local triad at least triad_min (above 0); placement and the numa_miss
-- ratio of every run.
function M.expect(o)
  check_options("operator.expect", o, EXPECT)
  local p, what = o.params, "operator.expect"
  local nodes, cpus, memory = need(p, "nodes", what), need(p, "cpus_per_node", what),
                              need(p, "node_memory", what)
  local bandwidth_balance = need(p, "bandwidth_balance", what)
  local latency_balance = need(p, "latency_balance", what)
  for name, b in pairs({ bandwidth_balance = bandwidth_balance, latency_balance = latency_balance }) do
    if b < 0 or b > 1 then error(string.format("%s must be in [0, 1], got %s", name, b), 2) end
  end
  local checks = {
    shape("nodes", nodes > 0, nodes, o.nodes, "N"),
    shape("cpus_per_node", cpus > 0, cpus, o.cpus_per_node, "N"),
    shape("node_memory", memory ~= "", { min = memory }, o.node_memory, "SIZE"),
    S.expect { distance = { min = need(p, "distance_min", what),
                            max = need(p, "distance_max", what) } },
  }
  local lo, hi = need(p, "remote_local_ratio", what), need(p, "remote_local_ratio_max", what)
  if lo > 0 or hi > 0 then
    checks[#checks + 1] = S.expect { remote_local_latency_ratio = {
      min = lo > 0 and lo or nil,
      max = hi > 0 and hi or nil,
    } }
  end
  local with_cpus = cpu_nodes(o.topo)
  for i = 2, #with_cpus do
    local n, first = with_cpus[i], with_cpus[1]
    if bandwidth_balance > 0 then
      checks[#checks + 1] = balance(o.node, "triad", "triad", n, first, bandwidth_balance)
    end
    if latency_balance > 0 then
      checks[#checks + 1] = balance(o.node, "latency", "ns_per_load", n, first, latency_balance)
    end
  end
  local triad_min = p.triad_min or 0
  if triad_min > 0 then
    for _, n in ipairs(with_cpus) do
      checks[#checks + 1] = S.expect { workload = "stream", policy = pair(n, n), metric = "triad",
                                       min = triad_min }
    end
  end
  checks[#checks + 1] = S.expect { placement = need(p, "placement", what) }
  checks[#checks + 1] = S.expect { numa_miss_ratio = { max = need(p, "numa_miss_max", what) } }
  return checks
end

local SCENARIO = { name = true, description = true, checks = true, topo = true, params = true }

--- operator.scenario { name = "...", description = "...", checks = checks, params = p, topo = topo }
-- The table for scenario(...): chase from every CPU node to every memory node (the latency
-- matrix; chase_size "" is 4x the last-level cache and at least 256M — beyond every cache, as
-- `matrix latency` measures it — quick: 256M), STREAM under policies.sweep (stream_size ""
-- is auto; quick: 64M), then the checks; 3 repetitions after a warm-up and 10 minutes a run
-- (quick: one repetition, no warm-up, 2 minutes); strict: checks that cannot be evaluated fail
-- the gate.
function M.scenario(o)
  check_options("operator.scenario", o, SCENARIO)
  local p, what = o.params, "operator.scenario"
  local quick, strict = need(p, "quick", what), need(p, "strict", what)
  local chase_size, stream_size = need(p, "chase_size", what), need(p, "stream_size", what)
  if chase_size == "" then
    chase_size = quick and "256M"
      or string.format("%d", math.max(4 * o.topo.llc_bytes, 256 << 20))
  end
  if stream_size == "" then stream_size = quick and "64M" or "auto" end
  local s = {
    name = o.name,
    description = o.description,
    reps = quick and 1 or 3,
    warmup = quick and 0 or 1,
    timeout = quick and "2m" or "10m",
    unevaluated = strict and "fail" or "pass",
    S.run {
      workload = "chase",
      params = { size = chase_size, samples = quick and 200 or 2000 },
      policies = policies.node_pairs(o.topo, "cpunodebind=%d membind=%d"),
    },
    S.run {
      workload = "stream",
      params = { size = stream_size, threads = "all", ntimes = quick and 3 or 10 },
      policies = policies.sweep(o.topo),
    },
  }
  for _, e in ipairs(o.checks or {}) do s[#s + 1] = e end
  return s
end

return M

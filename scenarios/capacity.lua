-- capacity: what each NUMA node of this host can carry — a one-page summary a capacity planner
-- can hand on, opening the report, with the measurements behind it after the results.
--
--   numaharness run scenarios/capacity.lua                  # a proper measurement (minutes)
--   numaharness run scenarios/capacity.lua --set quick=true # a rough look in a minute or two
--
-- Per node that has CPUs:
-- * local bandwidth against threads (STREAM triad, cpunodebind=N membind=N) and its saturation
--   knee — the fewest threads that reach `fraction` of the node's best — found with
--   nh.search.knee over nh.run, as scenarios/saturation.lua does; the best is the node's peak;
-- * the loaded-latency curve: chase latency on the node while its other CPUs stream load traffic,
--   stepped from light (a long pause between 4 KiB chunks) to full speed, and from it the latency
--   at 50, 80 and 95 % of the peak, interpolated linearly between the two measured points around
--   each (named in the details); a fraction the load never reached is said so, never invented;
-- * the idle latency and triad bandwidth matrices (CPU node x memory node, as scenarios/matrix.lua)
--   and from them the remote penalty: the worst remote/local latency and bandwidth ratio. On one
--   node there is no remote memory, and the summary says so;
-- * memory per node: MemTotal and MemFree (at the start of the run, from the host's facts).
-- Each measurement is an ordinary configuration in the results (the knee's and the curve's
-- tagged "knee-nN-tT" and "loaded-nN-pP"), so `compare` and the report see them; each node's
-- answers are also checks (informational: a figure that could not be had is "not evaluated"
-- with the reason, never a fail).
local quick = param("quick", false,
  "small working sets, one repetition, three load steps: a rough look in a minute or two")
local fraction = param("fraction", 0.95, "share of the node's best triad that counts as saturated")
local reps_param = param("reps", 3, "repetitions per measurement, the median decides (quick: 1)")
local stream_size_param = param("stream_size", "",
  "STREAM arrays, all three, per measurement (empty: 1G; quick: 64M)")
local chase_size_param = param("chase_size", "",
  "chase working set (empty: 4x the last-level cache, at least 256M; quick: 64M)")
local load_size_param = param("load_size", "",
  "bytes per load thread of the loaded-latency curve (empty: the chase's auto, 4x the "
  .. "last-level cache, at least 256M; quick: 64M)")
local load = param("load", "triad", "load traffic of the loaded-latency curve: triad or read")
local pages = param("pages", "thp",
  "pages of the chase's chain: thp (the default: page walks stay out of the latency, so it reads "
  .. "the memory, not the TLB), 4k or hugetlb")
local throttles_param = param("throttles", "",
  "pause instructions between 4 KiB chunks of load traffic, light to full, comma-separated "
  .. "(empty: 1000,100,30,10,3,0; quick: 100,10,0)")

if load ~= "triad" and load ~= "read" then
  error(string.format("--set load=%s: expected triad or read", load))
end
if pages ~= "thp" and pages ~= "4k" and pages ~= "hugetlb" then
  error(string.format("--set pages=%s: expected thp, 4k or hugetlb", pages))
end
if fraction <= 0 or fraction > 1 then
  error(string.format("--set fraction=%s: expected a fraction in (0, 1]", fraction))
end
if reps_param < 1 then error(string.format("--set reps=%d: at least 1", reps_param)) end

local reps = quick and 1 or reps_param
local stream_size = stream_size_param ~= "" and stream_size_param or (quick and "64M" or "1G")
local chase_size = chase_size_param ~= "" and chase_size_param
  or (quick and "64M" or string.format("%d", math.max(4 * topo.llc_bytes, 256 * 1024 * 1024)))
local load_size = load_size_param ~= "" and load_size_param or (quick and "64M" or "auto")
local throttles = {}
local throttle_text = throttles_param ~= "" and throttles_param
  or (quick and "100,10,0" or "1000,100,30,10,3,0")
for word in throttle_text:gmatch("[^,]+") do
  local t = tonumber(word)
  if not t or t < 0 or t ~= math.floor(t) then
    error(string.format("--set throttles=%s: '%s' is not a whole number of pauses", throttle_text, word))
  end
  throttles[#throttles + 1] = math.tointeger(t)
end
if #throttles == 0 then error("--set throttles: name at least one pause count") end

local FRACTIONS = { 0.50, 0.80, 0.95 }
local GiB = 1024 * 1024 * 1024
local ONE_NODE = "one node: no remote memory"

local function pair(a, b) return string.format("cpunodebind=%d membind=%d", a, b) end

-- 1, 2, 4, ... up to the node's CPU count (always included).
local function thread_counts(cpus)
  local xs, t = {}, 1
  while t < cpus do xs[#xs + 1] = t; t = t * 2 end
  xs[#xs + 1] = cpus
  return xs
end

local function fmt(v, digits) return v and string.format("%." .. (digits or 0) .. "f", v) or "?" end

-- Round for a table cell: whole MB/s, ns to a tenth, ratios to a hundredth.
local function round(v, places)
  if v == nil then return nil end
  local m = 10 ^ (places or 0)
  return math.floor(v * m + 0.5) / m
end

-- The latency at `target` MB/s on the measured curve (points {bw=, lat=, label=}), linear between
-- the two measured points around it; nil and why when the load never reached it.
local function latency_at(points, target)
  local sorted = {}
  for _, p in ipairs(points) do sorted[#sorted + 1] = p end
  table.sort(sorted, function(a, b) return a.bw < b.bw end)
  local top = sorted[#sorted]
  if not top or target > top.bw then
    return nil, string.format("not reached: the load reached at most %s MB/s",
                              top and fmt(top.bw) or "nothing")
  end
  for i = 1, #sorted do
    local b = sorted[i]
    if b.bw == target then
      return b.lat, string.format("measured at %s (%s MB/s, %s ns)", b.label, fmt(b.bw), fmt(b.lat, 1))
    end
    local a = sorted[i - 1]
    if a and a.bw < target and target < b.bw then
      local lat = a.lat + (b.lat - a.lat) * (target - a.bw) / (b.bw - a.bw)
      return lat, string.format("between %s (%s MB/s, %s ns) and %s (%s MB/s, %s ns)", a.label,
                                fmt(a.bw), fmt(a.lat, 1), b.label, fmt(b.bw), fmt(b.lat, 1))
    end
  end
  return nil, "below the lightest measured load" -- target < the lowest point (not with idle at 0)
end

-- The median of a metric of one planned (untagged) configuration, or nil and why.
local function planned_median(h, workload, policy, metric)
  local key, why = h:find { workload = workload, policy = policy, tag = false }
  if not key then return nil, why end
  return h:median(key, metric)
end

local function summarise(results)
  local h <close> = nh.results(results.dir)
  local cpu_nodes, summary, knees, curves, marks, details = {}, {}, {}, {}, {}, {}
  for _, n in ipairs(topo.nodes) do
    if #n.cpus > 0 then cpu_nodes[#cpu_nodes + 1] = n end
  end
  local one_node = #topo.nodes == 1

  -- The matrices from the planned runs: idle latency and triad, CPU node x memory node.
  local lat, bw, lat_why = {}, {}, {}
  for _, c in ipairs(cpu_nodes) do
    lat[c.id], bw[c.id], lat_why[c.id] = {}, {}, {}
    for _, m in ipairs(topo.nodes) do
      lat[c.id][m.id], lat_why[c.id][m.id] = planned_median(h, "chase", pair(c.id, m.id), "ns_per_load")
      bw[c.id][m.id] = planned_median(h, "stream", pair(c.id, m.id), "triad")
    end
  end

  for _, node in ipairs(topo.nodes) do
    local row = { node = node.id, CPUs = #node.cpus,
                  ["MemTotal (GiB)"] = round(node.mem_total_bytes / GiB, 1),
                  ["MemFree (GiB)"] = round(node.mem_free_bytes / GiB, 1) }
    local notes = {}
    if #node.cpus == 0 then
      notes[#notes + 1] = "no CPUs: memory only, reached from the other nodes (matrices below)"
    else
      local id, policy = node.id, pair(node.id, node.id)
      -- Local bandwidth against threads: the knee, and the peak.
      local xs = thread_counts(#node.cpus)
      local k, why = nh.search.knee {
        xs = xs, fraction = fraction, tolerance = 0.02,
        measure = function(x)
          local c = nh.run { workload = "stream", params = { size = stream_size, threads = x },
                             policy = policy, reps = reps, tag = string.format("knee-n%d-t%d", id, x),
                             reason = "capacity: local triad against threads" }
          return c:median("triad")
        end,
      }
      local name = string.format("node %d: local triad saturates", id)
      local peak
      if not k then
        nh.check(name, nil, why)
        notes[#notes + 1] = "knee: " .. why
      else
        peak = k.max
        row["peak triad (MB/s)"], row["knee (threads)"] = round(peak), k.x
        nh.check(name, true, string.format("knee at %d of %d threads: %s MB/s, %.0f%% of the best "
                                           .. "%s MB/s (at %d thread%s); %d measurements (%s)", k.x,
                                           #node.cpus, fmt(k.value), 100 * k.value / k.max, fmt(k.max),
                                           k.max_x, k.max_x == 1 and "" or "s", k.runs, k.method),
                 { value = k.x })
        knees[#knees + 1] = { id, k.x, round(k.value), round(k.max), k.max_x, #node.cpus, k.runs, k.method }
        local points = {}
        for _, m in ipairs(k.measured) do
          if m.median then
            local lo, hi = math.huge, -math.huge
            for _, v in ipairs(m.values) do lo = math.min(lo, v); hi = math.max(hi, v) end
            points[#points + 1] = { m.x, m.median, lo, hi }
          end
        end
        if #curves < 8 then curves[#curves + 1] = { name = "node " .. id, points = points } end
      end

      -- Idle latency, and the loaded-latency curve with the latency at fractions of the peak.
      local idle = lat[id][id]
      row["idle latency (ns)"] = round(idle, 1)
      if not idle then notes[#notes + 1] = "idle latency: " .. tostring(lat_why[id][id]) end
      local load_name = string.format("node %d: loaded latency at 80 %% of peak", id)
      if #node.cpus < 2 then
        local reason = "one CPU: no CPU for load threads beside the chase"
        nh.check(load_name, nil, reason)
        notes[#notes + 1] = "loaded latency: " .. reason
      elseif not peak then
        nh.check(load_name, nil, "no peak bandwidth to take fractions of")
      else
        local points = {}
        if idle then points[1] = { bw = 0, lat = idle, label = "idle" } end
        for _, t in ipairs(throttles) do
          local c = nh.run { workload = "chase", policy = policy, reps = reps,
                             params = { size = chase_size, pages = pages,
                                        load_threads = #node.cpus - 1, load = load,
                                        load_size = load_size, throttle = t },
                             tag = string.format("loaded-n%d-p%d", id, t),
                             reason = "capacity: loaded-latency curve" }
          local b, l = c:median("load_MBps"), c:median("ns_per_load")
          if b and l then points[#points + 1] = { bw = b, lat = l, label = "throttle=" .. t } end
        end
        local line, at = { name = "node " .. id, points = {} }, { name = "node " .. id .. " at 50/80/95 %", points = {} }
        for _, p in ipairs(points) do line.points[#line.points + 1] = { p.bw, p.lat } end
        local reached, at_most = 0, nil -- the most load measured, and the chase's latency there
        for _, p in ipairs(points) do
          if p.bw > reached then reached, at_most = p.bw, p.lat end
        end
        local unreached = {}
        for _, f in ipairs(FRACTIONS) do
          local target = f * peak
          local v, how = latency_at(points, target)
          local col = string.format("latency at %d %% (ns)", math.floor(f * 100 + 0.5))
          row[col] = round(v, 1)
          if v then
            at.points[#at.points + 1] = { target, v }
          else
            unreached[#unreached + 1] = string.format("%d %%", math.floor(f * 100 + 0.5))
          end
          details[#details + 1] = { id, math.floor(f * 100 + 0.5), round(target), round(v, 1), how }
          if f == 0.80 then
            nh.check(load_name, v ~= nil or nil,
                     v and string.format("%.1f ns at %s MB/s (80 %% of the peak %s MB/s), %s; idle %s ns",
                                         v, fmt(target), fmt(peak), how, fmt(idle, 1))
                       or string.format("%s (%.0f %% of the peak %s MB/s)", how, 100 * reached / peak,
                                        fmt(peak)),
                     v and { value = v } or nil)
          end
        end
        if #unreached > 0 then
          notes[#notes + 1] = string.format("%s of peak not reached: the load threads drove at most "
                                            .. "%s MB/s beside the chase (%.0f %% of peak), the chase "
                                            .. "then at %s ns", table.concat(unreached, ", "),
                                            fmt(reached), 100 * reached / peak, fmt(at_most, 1))
        end
        if #marks < 8 and #line.points > 0 then marks[#marks + 1] = line end
        if #marks < 8 and #at.points > 0 then marks[#marks + 1] = at end
      end

      -- The remote penalty: the worst remote memory node seen from this CPU node.
      local remote_name = string.format("node %d: remote penalty", id)
      if one_node then
        row["remote latency (x local)"], row["remote triad (x local)"] = ONE_NODE, ONE_NODE
        nh.check(remote_name, nil, "not applicable: " .. ONE_NODE)
      else
        local worst_lat, worst_bw, at_lat, at_bw
        for _, m in ipairs(topo.nodes) do
          if m.id ~= id then
            local l, b = lat[id][m.id], bw[id][m.id]
            if l and idle and (not worst_lat or l / idle > worst_lat) then worst_lat, at_lat = l / idle, m.id end
            if b and bw[id][id] and (not worst_bw or b / bw[id][id] < worst_bw) then
              worst_bw, at_bw = b / bw[id][id], m.id
            end
          end
        end
        row["remote latency (x local)"], row["remote triad (x local)"] = round(worst_lat, 2), round(worst_bw, 2)
        if worst_lat or worst_bw then
          nh.check(remote_name, true,
                   string.format("latency %sx local (memory on node %s), triad %sx local (node %s)",
                                 fmt(worst_lat, 2), tostring(at_lat or "?"), fmt(worst_bw, 2),
                                 tostring(at_bw or "?")),
                   worst_lat and { value = worst_lat } or nil)
        else
          nh.check(remote_name, nil, "no remote latency or bandwidth was measured")
        end
      end
    end
    row.notes = #notes > 0 and table.concat(notes, "; ") or nil
    summary[#summary + 1] = row
  end

  -- The page a planner hands on: the summary, how to read it, its charts.
  local columns = { "node", "CPUs", "MemTotal (GiB)", "MemFree (GiB)", "peak triad (MB/s)",
                    "knee (threads)", "idle latency (ns)", "latency at 50 % (ns)",
                    "latency at 80 % (ns)", "latency at 95 % (ns)", "remote latency (x local)",
                    "remote triad (x local)", "notes" }
  nh.report.table {
    title = "Capacity summary", placement = "top", columns = columns, rows = summary,
    note = string.format("Per node: memory at the start of the run; the best median local STREAM "
                         .. "triad over thread counts (the knee: the fewest threads reaching %.0f %% of "
                         .. "it); chase latency idle and with %s load at fractions of that peak; the "
                         .. "worst remote/local ratio.%s", 100 * fraction, load,
                         quick and " quick=true: small working sets, one repetition — rough figures." or ""),
  }
  nh.report.section { title = "Reading the capacity summary", placement = "top", markdown = string.format([[
- **MemTotal / MemFree**: each node's memory and what was free when the run began (the nodes'
  meminfo). A process bound to a node (`membind`, a VM's strict `<numatune>`) can use only that
  node's free memory, whatever the rest of the machine has.
- **peak triad**: the node's best local bandwidth (MB/s = 10^6 B/s, STREAM counting), the median
  of %d run(s) at each thread count; **knee**: the fewest threads that reach %.0f %% of it —
  more threads than that add contention, not bandwidth.
- **idle latency**: a dependent-load chase over %s (%s pages) on the node's own memory, nothing
  else running.
  **latency at 50 / 80 / 95 %%**: the same chase while the node's other CPUs stream %s traffic,
  interpolated on the measured curve at that share of the peak. Plan for the latency at the
  bandwidth you expect to run at, not the idle one. A "–" with "not reached" means the node's
  other CPUs could not drive that much traffic beside the chase.
- **remote latency / triad (x local)**: the worst remote memory node's idle latency and triad
  against the node's own (from the matrices below). Memory that spills to another node pays
  this. %s]], reps, 100 * fraction, chase_size, pages, load,
    one_node and "This host has one node: no remote memory, so no remote penalty." or "") }
  if #curves > 0 then
    nh.report.chart { title = "Local triad by threads (the points the knee search measured)",
                      placement = "top", x = "threads", y = "triad (MB/s)", series = curves }
  end
  if #marks > 0 then
    nh.report.chart { title = "Loaded latency: chase latency against load bandwidth",
                      placement = "top", x = "load bandwidth (MB/s)", y = "latency (ns)", series = marks,
                      note = "Measured points (idle at 0 MB/s), and the latency read off at 50, 80 "
                             .. "and 95 % of the node's peak triad." }
  end

  -- The evidence, after the results.
  if #details > 0 then
    nh.report.table { title = "Loaded latency at fractions of the peak",
                      columns = { "node", "% of peak", "target (MB/s)", "latency (ns)", "from the curve" },
                      rows = details,
                      note = "Linear between the two measured points around each target; none where the "
                             .. "load never reached it." }
  end
  if #knees > 0 then
    nh.report.table { title = "Where local bandwidth saturates",
                      columns = { "node", "knee (threads)", "triad at the knee (MB/s)", "best triad (MB/s)",
                                  "best at (threads)", "CPUs", "measurements", "search" },
                      rows = knees }
  end
  local mem_columns, lat_rows, bw_rows = { "CPU node" }, {}, {}
  for _, m in ipairs(topo.nodes) do mem_columns[#mem_columns + 1] = "memory node " .. m.id end
  for _, c in ipairs(cpu_nodes) do
    local lr, br = { c.id }, { c.id }
    for _, m in ipairs(topo.nodes) do
      lr[#lr + 1] = round(lat[c.id][m.id], 1)
      br[#br + 1] = round(bw[c.id][m.id])
    end
    lat_rows[#lat_rows + 1], bw_rows[#bw_rows + 1] = lr, br
  end
  nh.report.table { title = "Idle latency matrix (ns)", columns = mem_columns, rows = lat_rows,
                    note = string.format("chase over %s, median of %d run(s) per pair.%s", chase_size, reps,
                                         one_node and " " .. ONE_NODE .. "." or "") }
  nh.report.table { title = "Triad bandwidth matrix (MB/s)", columns = mem_columns, rows = bw_rows,
                    note = string.format("STREAM over %s with every CPU of the CPU node, median of %d "
                                         .. "run(s) per pair.", stream_size, reps) }
end

local pairs_ = policies.node_pairs(topo, "cpunodebind=%d membind=%d")
return scenario {
  name = "capacity",
  description = "capacity per NUMA node: peak bandwidth and knee, idle and loaded latency, remote "
             .. "penalty, memory",
  reps = reps,
  timeout = "10m",
  done = summarise,
  run { workload = "chase", params = { size = chase_size, pages = pages }, policies = pairs_ },
  run { workload = "stream", params = { size = stream_size, threads = "all" }, policies = pairs_ },
}

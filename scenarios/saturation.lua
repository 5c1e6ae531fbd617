-- saturation: for each NUMA node, the thread count at which local STREAM triad bandwidth
-- saturates (the knee: the fewest threads that reach a fraction of the node's best), and the
-- loaded latency there (chase on the node with that many bandwidth threads beside it) — found
-- with nh.search.knee over nh.run, so with fewer runs than sweeping every thread count.
--
--   numaharness run scenarios/saturation.lua [--set fraction=0.9] [--set size=1G] [--set reps=3]
--
-- Each measurement is an ordinary, tagged configuration in the results ("knee-n0-t4": node 0,
-- 4 threads), so `compare` and the report see them; the answer per node is a check (the knee,
-- its bandwidth against the node's maximum, how many runs it took and how it searched).
local fraction = param("fraction", 0.95, "share of the node's best triad that counts as saturated")
local size = param("size", "1G", "STREAM arrays, all three, per measurement")
local reps = param("reps", 3, "repetitions per thread count (the median decides)")

-- 1, 2, 4, ... up to the node's CPU count (always included).
local function thread_counts(cpus)
  local xs, t = {}, 1
  while t < cpus do xs[#xs + 1] = t; t = t * 2 end
  xs[#xs + 1] = cpus
  return xs
end

return scenario {
  name = "saturation",
  reps = 1,
  done = function(results)
    local rows, curves = {}, {}
    for _, node in ipairs(topo.nodes) do
      if #node.cpus > 0 then
        local policy = string.format("cpunodebind=%d membind=%d", node.id, node.id)
        local xs = thread_counts(#node.cpus)
        local k, why = nh.search.knee {
          xs = xs, fraction = fraction, tolerance = 0.02,
          measure = function(x)
            local c = nh.run { workload = "stream", params = { size = size, threads = x },
                               policy = policy, reps = reps,
                               tag = string.format("knee-n%d-t%d", node.id, x),
                               reason = "saturation: knee search" }
            return c:median("triad")
          end,
        }
        local name = string.format("node %d: local triad saturates", node.id)
        if not k then
          nh.check(name, nil, why)
          rows[#rows + 1] = { node.id, nil, nil, nil, nil, #node.cpus, nil, why }
        else
          local lat = nh.run { workload = "chase", policy = policy, reps = reps,
                               params = { size = "256M", load_threads = k.x > 1 and k.x - 1 or 0 },
                               tag = string.format("loaded-n%d-t%d", node.id, k.x),
                               reason = "saturation: latency at the knee" }
          local ns = lat:median("ns_per_load")
          nh.check(name, true,
                   string.format("knee at %d of %d threads: %.0f MB/s, %.0f%% of the best %.0f MB/s "
                                 .. "(at %d threads); loaded latency there %s ns; %d measurements "
                                 .. "of %d thread counts (%s)", k.x, #node.cpus, k.value,
                                 100 * k.value / k.max, k.max, k.max_x,
                                 ns and string.format("%.1f", ns) or "?", k.runs, #xs, k.method),
                   { value = k.x })
          rows[#rows + 1] = { node.id, k.x, k.value, k.max, ns, #node.cpus, k.runs, k.method }
          -- the measured points of the curve: the median with the range of the repetitions
          local points = {}
          for _, m in ipairs(k.measured) do
            if m.median then
              local lo, hi = math.huge, -math.huge
              for _, v in ipairs(m.values) do lo = math.min(lo, v); hi = math.max(hi, v) end
              points[#points + 1] = { m.x, m.median, lo, hi }
            end
          end
          if #curves < 8 then curves[#curves + 1] = { name = "node " .. node.id, points = points } end
        end
      end
    end
    nh.report.table {
      title = "Where local bandwidth saturates",
      columns = { "node", "knee (threads)", "triad at the knee (MB/s)", "best triad (MB/s)",
                  "loaded latency at the knee (ns)", "CPUs", "measurements", "search" },
      rows = rows,
      note = string.format("The knee is the fewest threads whose median triad reaches %.0f %% of "
                           .. "the node's best (2 %% tolerance for noise).", 100 * fraction),
    }
    if #curves > 0 then
      nh.report.chart { title = "Local triad by threads (the points the search measured)",
                        x = "threads", y = "triad (MB/s)", series = curves }
    end
  end,
  -- One small planned run: the harness needs one, and it checks the node works at all.
  run { workload = "stream", params = { size = "48K", ntimes = 2, threads = 1 } },
}

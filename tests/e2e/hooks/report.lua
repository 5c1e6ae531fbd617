-- nh.report from load time, setup and done: a section (its Markdown headings put under the
-- section's, raw HTML shown as code), a table by position and by column name, a line chart and
-- a bar chart; all kept in scenario-report.json for `numaharness report DIR`.
nh.report.section { title = "Why this scenario", markdown = "Loaded *first*.\n\n# Inside\n\n<script>alert(1)</script>\n" }
return scenario {
  reps = 2,
  setup = function(ctx)
    nh.report.table { title = "Setup facts", columns = { "fact", "value" },
                      rows = { { "nodes", #ctx.topo.nodes }, { fact = "kernel", value = "known" } } }
  end,
  done = function(results)
    local r <close> = nh.results(results.dir)
    local rows, series = {}, { name = "triad", points = {} }
    for i, c in ipairs(r:configs()) do
      local m = nh.stats.median(r:values(c.key, "triad"))
      rows[#rows + 1] = { c.params.size, m, true, nil }
      series.points[#series.points + 1] = { i, m, m * 0.9, m * 1.1 }
    end
    nh.report.table { title = "Triad by size", columns = { "size", "MB/s", "ok", "gap" }, rows = rows,
                      note = "Medians of 2 runs." }
    nh.report.chart { title = "Triad by configuration", x = "configuration", y = "MB/s",
                      series = { series } }
    nh.report.chart { title = "Bars", style = "bars", y = "MB/s",
                      series = { { name = "a", points = { { "small", 1 }, { "large", 2, 1.5, 2.5 } } },
                                 { name = "b", points = { { "small", 3 } } } } }
  end,
  run { workload = "stream", params = { size = { "1M", "2M" }, ntimes = 2, threads = 1 } },
}

-- nh.report items placed at the top of the report (placement = "top": a summary that opens it,
-- before the parameters, host and results) and the rest where they always go, after the results;
-- --set all_top=true places every item at the top, so "From the scenario" is left out.
local all_top = param("all_top", false, "every item at the top")
local rest = all_top and "top" or nil
nh.report.section { title = "How to read it", markdown = "Read the *summary* first.", placement = rest }
return scenario {
  done = function(results)
    nh.report.table { title = "Summary", columns = { "node", "MB/s" }, rows = { { 0, 1234.5 } },
                      note = "The one-page summary.", placement = "top" }
    nh.report.chart { title = "Summary chart", x = "threads", y = "MB/s", placement = "top",
                      series = { { name = "node 0", points = { { 1, 1000 }, { 2, 1234.5 } } } } }
    nh.report.table { title = "Details", columns = { "a" }, rows = { { 1 } }, placement = rest or "results" }
  end,
  run { workload = "stream", params = { size = "1M", ntimes = 2, threads = 1 } },
}

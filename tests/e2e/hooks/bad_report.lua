-- nh.report calls the harness refuses, one per --set case=N, each after a good one that stays.
local case = param("case", 1, "which bad call")
local bad = {
  function() nh.report.table { title = "t", columns = { "a" }, rows = { { 1 }, { {} } } } end,
  function() nh.report.chart { title = "c", series = { { name = "s", points = { { 1, 0 / 0 } } } } } end,
  function() nh.report.chart { title = "c", style = "pie", series = {} } end,
  function() nh.report.section { title = "s", markdwon = "typo" } end,
  function() nh.report.table { title = "t", columns = { "a", "b" }, rows = { { a = 1, c = 2 } } } end,
  function() nh.report.chart { title = "c", series = { { name = "s", points = { { "x", 1 } } } } } end,
  function() nh.report.table { title = "t", columns = { "a" }, rows = {}, placement = "bottom" } end,
}
return scenario {
  done = function()
    nh.report.section { title = "Kept", markdown = "added before the error" }
    bad[case]()
  end,
  run { workload = "stream", params = { size = "1M", ntimes = 2, threads = 1 } },
}

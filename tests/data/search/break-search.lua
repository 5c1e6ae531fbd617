-- For test_search (loaded with unsafe = true, which sees the real globals): break the module's
-- loader, so a later scenario in this state gets the stand-in nh.search that names why.
package.loaded["nh.search"] = nil
package.preload["nh.search"] = function() error("broken on purpose", 0) end
return scenario { run { workload = "stream" } }

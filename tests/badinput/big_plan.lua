-- Three lists of 30 values and 100 repetitions: refused before anything runs.
local sizes, ntimes = {}, {}
for i = 1, 30 do sizes[i] = i .. "M"; ntimes[i] = i end
return scenario {
  reps = 100,
  run { workload = "stream", params = { size = sizes, threads = { 1, 2 }, ntimes = ntimes },
        policies = { "default", "localalloc" } },
}

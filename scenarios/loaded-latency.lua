-- loaded-latency: the chase thread's latency while the other CPUs of its node generate memory
-- traffic, stepped from almost idle to full speed (throttle = pause iterations between 4 KiB
-- chunks of load traffic). Each run is one point of the latency-vs-bandwidth curve:
-- ns_per_load against load_MBps. Read-only and triad-like traffic both.
local node = topo.nodes[1]
for _, n in ipairs(topo.nodes) do if #n.cpus > 0 then node = n; break end end
local local_policy = string.format("cpunodebind=%d membind=%d", node.id, node.id)
local load_threads = math.max(#node.cpus - 1, 1)

return scenario {
  name = "loaded-latency",
  reps = 3,
  timeout = "10m",
  run {
    workload = "chase",
    params = {
      size = string.format("%d", math.max(4 * topo.llc_bytes, 256 * 1024 * 1024)),
      load_threads = load_threads,
      load = { "read", "triad" },
      throttle = { 10000, 1000, 300, 100, 30, 0 },
    },
    policies = { local_policy },
  },
}

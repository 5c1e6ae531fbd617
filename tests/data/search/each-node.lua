-- policies.each_node with the node used twice in its format: every node bound to itself.
return scenario {
  run { workload = "stream", params = { size = "1M" },
        policies = policies.each_node(topo, "cpunodebind=%d membind=%d") },
}

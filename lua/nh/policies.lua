-- nh.policies: policy lists built from the host's topology, so one scenario fits every machine.
-- `topo` is the table the harness passes in (nodes = { {id=, cpus={...}, mem_total_bytes=}, ... }).
local M = {}

local function nodes_with_cpus(topo)
  local out = {}
  for _, n in ipairs(topo.nodes) do
    if #n.cpus > 0 then out[#out + 1] = n end
  end
  return out
end

--- One spec per node: each_node(topo, "membind=%d") → { "membind=0", "membind=1", ... }.
-- Every %d is the node: each_node(topo, "cpunodebind=%d membind=%d") binds each node to itself.
function M.each_node(topo, fmt)
  if type(fmt) ~= "string" then
    error(string.format("policies.each_node: the format must be a string, got %s", type(fmt)), 2)
  end
  local _, uses = fmt:gsub("%%d", "")
  local out = {}
  for _, n in ipairs(topo.nodes) do
    local ids = {}
    for i = 1, uses do ids[i] = n.id end
    local ok, spec = pcall(string.format, fmt, table.unpack(ids))
    if not ok then error(string.format("policies.each_node: format %q: %s", fmt, spec), 2) end
    out[#out + 1] = spec
  end
  return out
end

--- Every (CPU node, memory node) pair: node_pairs(topo, "cpunodebind=%d membind=%d").
-- Only nodes that have CPUs can be CPU nodes.
function M.node_pairs(topo, fmt)
  local out = {}
  for _, c in ipairs(nodes_with_cpus(topo)) do
    for _, m in ipairs(topo.nodes) do out[#out + 1] = string.format(fmt, c.id, m.id) end
  end
  return out
end

--- The standard sweep: default, localalloc, membind and preferred to each node, interleave=all,
-- and cpunodebind A × membind B for every pair that exists here.
function M.sweep(topo)
  local out = { "default", "localalloc" }
  for _, p in ipairs(M.each_node(topo, "membind=%d")) do out[#out + 1] = p end
  for _, p in ipairs(M.each_node(topo, "preferred=%d")) do out[#out + 1] = p end
  out[#out + 1] = "interleave=all"
  for _, p in ipairs(M.node_pairs(topo, "cpunodebind=%d membind=%d")) do out[#out + 1] = p end
  return out
end

return M

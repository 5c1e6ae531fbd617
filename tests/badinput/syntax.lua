-- a syntax error on line 5
return scenario {
  run {
    workload = "stream",
    params = { size = "1M" ,, },
  },
}

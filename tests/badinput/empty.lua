return scenario { name = "empty" }

-- An endless loop at the top level that says first that it is in it, so a test can send Ctrl-C
-- when it is there, however slowly the harness started (a sanitizer build, a loaded machine).
print("looping")
local n = 0
while true do n = n + 1 end

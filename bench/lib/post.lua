-- POSTs the same JSON body (the file named by BENCH_BODY) on every request.
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
dofile(os.getenv("BENCH_LIB") .. "/report.lua")

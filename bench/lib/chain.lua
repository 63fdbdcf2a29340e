-- Continues prepared chains: each request takes the next previous_response_id from the file named by
-- BENCH_IDS (one id a line, prepared before the run) and puts it where the body template (BENCH_BODY)
-- has __PREV__. Threads start at different offsets so connections spread over the chains.
local ids = {}
for line in io.lines(os.getenv("BENCH_IDS")) do
  if #line > 0 then ids[#ids + 1] = line end
end
assert(#ids > 0, "no ids in " .. os.getenv("BENCH_IDS"))
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
local template = f:read("*a")
f:close()
local at = assert(template:find("__PREV__", 1, true), "body template has no __PREV__")
local prefix, suffix = template:sub(1, at - 1), template:sub(at + #"__PREV__")
local headers = { ["Content-Type"] = "application/json" }
local i = 0

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
  i = math.random(#ids) - 1
end

function request()
  i = i % #ids + 1
  return wrk.format("POST", nil, headers, prefix .. ids[i] .. suffix)
end

dofile(os.getenv("BENCH_LIB") .. "/report.lua")

-- Shared wrk done(): one machine-readable line with the latency distributions, so run.sh never scrapes
-- wrk's human output.
--
-- latency_us is wrk's own histogram. wrk corrects it for coordinated omission before done() sees it:
-- every request slower than twice the mean interval gets synthetic samples added below it, as if
-- requests had kept arriving at the mean rate while that one was stuck. At c=1 one 40 ms pause then
-- counts as about a hundred slow requests, and p99 reads 40 ms although 99.9 % of requests were fast.
--
-- With BENCH_RECORD=1 (the harness sets it for its c=1 runs only), every request is also timed here,
-- from request() to response(), with CLOCK_MONOTONIC, and recorded_us holds the percentiles of
-- exactly those samples: the closed-loop, one-sample-per-request distribution. One outstanding request
-- per thread is assumed, so it is only meaningful at one connection per thread.
local recording = os.getenv("BENCH_RECORD") == "1"

if recording then
  local ffi = require("ffi")
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
    int clock_gettime(int clock, bench_timespec *ts);
  ]]
  local ts = ffi.new("bench_timespec")
  local function now_us()
    ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
    return tonumber(ts.tv_sec) * 1000000 + tonumber(ts.tv_nsec) / 1000
  end

  -- Per-thread state (each wrk thread runs its own copy of this script); done() reads it with get().
  recorded = {}   -- whole microseconds -> count
  local started = nil

  local inner = request
  local static = nil
  request = function()
    local req
    if inner then
      req = inner()
    else
      static = static or wrk.format()
      req = static
    end
    started = now_us()
    return req
  end

  response = function(status, headers, body)
    if started then
      local us = math.floor(now_us() - started + 0.5)
      recorded[us] = (recorded[us] or 0) + 1
      started = nil
    end
  end

  local threads = {}
  function setup(thread)
    threads[#threads + 1] = thread
  end

  function recorded_summary()
    local counts, n, sum = {}, 0, 0
    for _, t in ipairs(threads) do
      for us, c in pairs(t:get("recorded") or {}) do
        counts[us] = (counts[us] or 0) + c
        n = n + c
        sum = sum + us * c
      end
    end
    if n == 0 then return "null" end
    local keys = {}
    for us in pairs(counts) do keys[#keys + 1] = us end
    table.sort(keys)
    local function pct(p)
      local want, seen = math.ceil(n * p / 100), 0
      for _, us in ipairs(keys) do
        seen = seen + counts[us]
        if seen >= want then return us end
      end
      return keys[#keys]
    end
    return string.format('{"count":%d,"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}',
      n, sum / n, pct(50), pct(90), pct(99), pct(99.9), keys[#keys])
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"bytes":%d,'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"latency_us":{"mean":%.1f,"stdev":%.1f,"p50":%.0f,"p90":%.0f,"p99":%.0f,"p999":%.0f,"max":%.0f},'
      .. '"recorded_us":%s}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.stdev, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9), latency.max,
    recording and recorded_summary() or "null"))
end

-- Admits one request if the tenant's current window is under both limits, counting it atomically.
-- KEYS[1] requests counter, KEYS[2] tokens counter (same hash tag); ARGV: rpm, tpm (0 = none), window ms.
local requests = tonumber(redis.call('GET', KEYS[1]) or '0')
local tokens = tonumber(redis.call('GET', KEYS[2]) or '0')
local rpm = tonumber(ARGV[1])
local tpm = tonumber(ARGV[2])
if (rpm > 0 and requests >= rpm) or (tpm > 0 and tokens >= tpm) then
  return {0, requests, tokens}
end
requests = redis.call('INCR', KEYS[1])
if requests == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return {1, requests, tokens}

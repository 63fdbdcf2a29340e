-- Acts on an idempotency key only while it still holds this request's claim (its exact value): renews the
-- claim, replaces it by what a retry replays, or deletes it. A claim whose lease ran out and that another
-- request has taken since is left alone.
-- KEYS[1] the key; ARGV[1] the claim's value; ARGV[2] the new value ('' deletes); ARGV[3] its TTL in ms.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
return 1

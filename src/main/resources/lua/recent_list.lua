-- A tenant's recent-responses index, newest first: {score, line JSON, score, line JSON, ...}, live lines only.
-- KEYS[1]: sorted set of ids by when first recorded (ms); KEYS[2]: hash id -> line JSON.
-- ARGV[1]: the oldest score still live (now - ttl, ms).
local ids = redis.call('ZREVRANGEBYSCORE', KEYS[1], '+inf', ARGV[1], 'WITHSCORES')
local out = {}
for i = 1, #ids, 2 do
  local line = redis.call('HGET', KEYS[2], ids[i])
  if line then
    out[#out + 1] = ids[i + 1]
    out[#out + 1] = line
  end
end
return out

-- Records one line of a tenant's recent-responses index, and keeps the index within its bound.
-- KEYS[1]: sorted set of ids by when first recorded (ms); KEYS[2]: hash id -> line JSON (one hash tag).
-- ARGV[1]: id, ARGV[2]: now ms, ARGV[3]: line JSON, ARGV[4]: bound, ARGV[5]: ttl ms, ARGV[6]: slack.
-- NX: an update (a background run that ended) keeps the line's place and expiry.
redis.call('ZADD', KEYS[1], 'NX', ARGV[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
-- Trimmed only once it is 'slack' lines over the bound, then back to the bound: most writes read nothing.
-- Lines past the TTL are not swept here: reads skip them, and the bound (or the keys' own expiry) drops them.
local n = redis.call('ZCARD', KEYS[1])
local bound = tonumber(ARGV[4])
if n > bound + tonumber(ARGV[6]) then
  local over = math.min(n - bound, 4000)
  local oldest = redis.call('ZRANGE', KEYS[1], 0, over - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, over - 1)
  redis.call('HDEL', KEYS[2], unpack(oldest))
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return 0

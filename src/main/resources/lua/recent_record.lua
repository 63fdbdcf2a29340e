-- Records one line of a tenant's recent-responses index, and keeps the index within its bound and TTL.
-- KEYS[1]: sorted set of ids by when first recorded (ms); KEYS[2]: hash id -> line JSON (one hash tag).
-- ARGV[1]: id, ARGV[2]: now ms, ARGV[3]: line JSON, ARGV[4]: bound, ARGV[5]: ttl ms.
-- NX: an update (a background run that ended) keeps the line's place and expiry.
redis.call('ZADD', KEYS[1], 'NX', ARGV[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
-- A few at a time: the bound and the TTL are kept by every write, so there is rarely more than one to drop.
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. (tonumber(ARGV[2]) - tonumber(ARGV[5])), 'LIMIT', 0, 100)
if #expired > 0 then
  redis.call('ZREM', KEYS[1], unpack(expired))
  redis.call('HDEL', KEYS[2], unpack(expired))
end
local over = math.min(redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[4]), 1000)
if over > 0 then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, over - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, over - 1)
  redis.call('HDEL', KEYS[2], unpack(oldest))
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return 0

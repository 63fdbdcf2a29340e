-- Appends items to a conversation only if it still exists, renewing both keys' TTL, atomically.
-- KEYS[1] conversation object, KEYS[2] item list (same hash tag); ARGV[1] ttl ms, ARGV[2..] items.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('RPUSH', KEYS[2], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1

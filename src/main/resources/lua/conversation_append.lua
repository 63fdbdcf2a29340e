-- Appends items to a conversation only if it still exists, renewing both keys' TTL, atomically.
-- KEYS[1] conversation object, KEYS[2] item list (same hash tag); ARGV[1] ttl ms, ARGV[2..] items.
-- A retried append (its first attempt timed out after Redis ran it) finds its last item already at the
-- tail, and adds nothing twice: every item has its own id, so equal JSON is the same append.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
if redis.call('LINDEX', KEYS[2], -1) ~= ARGV[#ARGV] then
  redis.call('RPUSH', KEYS[2], unpack(ARGV, 2))
end
redis.call('PEXPIRE', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1

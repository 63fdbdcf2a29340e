-- Renews the TTL of every turn of a chain and reports the first one that is gone (1-based), or 0.
-- KEYS: the chain's turn keys, oldest first (one hash tag); ARGV[1]: ttl ms.
for i, key in ipairs(KEYS) do
  if redis.call('PEXPIRE', key, ARGV[1]) == 0 then
    return i
  end
end
return 0

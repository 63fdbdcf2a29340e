-- Loads a whole chain in one round trip and renews the TTL of every turn in it.
-- KEYS[1]: the newest turn's key; ARGV[1]: ttl ms. Every turn of a chain carries the same chain tag, so
-- its ancestors' keys are this key with another id, in the same hash slot (one Redis Cluster node, except
-- while that slot migrates: then RedisResponseStore checks a missing turn again without this script).
-- Returns {1, newest, oldest ancestor, ..., newest ancestor}, or {0, id} naming the first turn that is
-- gone (the newest one first, then oldest first).
local head = redis.call('GET', KEYS[1])
if not head then
  return {0, string.match(KEYS[1], '}:(.*)$')}
end
local prefix = string.match(KEYS[1], '^(.*}:)')
local ancestors = cjson.decode(head)['ancestors']
local values = {1, head}
for i, id in ipairs(ancestors) do
  local value = redis.call('GET', prefix .. id)
  if not value then
    return {0, id}
  end
  values[i + 2] = value
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
for _, id in ipairs(ancestors) do
  redis.call('PEXPIRE', prefix .. id, ARGV[1])
end
return values

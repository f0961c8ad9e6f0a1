--[[
  Claims payment expiries that are due: each claimed entry gets a lease (its score moves to
  now + lease), so that if the claiming worker dies another one takes it up after the lease; the
  claimer removes the entry with finishExpiry once the expiry step is applied.

  KEYS[1] expiries sorted set (member "<main>|<payment id>", score = due time, ms)
  ARGV[1] now, ms
  ARGV[2] lease, ms
  ARGV[3] at most this many entries

  Returns: flat list {member1, leaseScore1, member2, leaseScore2, ...}
]]
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local lease = tonumber(ARGV[1]) + tonumber(ARGV[2])
local out = {}
for i = 1, #due do
  redis.call('ZADD', KEYS[1], 'XX', lease, due[i])
  out[#out + 1] = due[i]
  out[#out + 1] = tostring(lease)
end
return out

--[[
  Claims the members of a due-time sorted set whose time has come (payment expiries, accounts whose
  ledger outbox is due for settlement): each claimed member gets a lease (its score moves to
  now + lease), so that if the claimer dies another one takes it up after the lease; the claimer
  removes the member with finishClaim once its work is done.

  KEYS[1] sorted set (score = due time, ms)
  ARGV[1] now, ms
  ARGV[2] lease, ms
  ARGV[3] at most this many members

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

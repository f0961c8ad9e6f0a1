--[[
  Records the delivery receipt of one submitted part of a reply and derives the reply's state:
  delivered when every part is delivered, failed as soon as one part finally failed. A receipt for
  a reply that is already final changes nothing (receipts can repeat).

  KEYS[1] reply hash
  ARGV[1] normalised SMSC message id of the part
  ARGV[2] part state word (DELIVERED, UNDELIVERABLE, ...)
  ARGV[3] 1 when the part was delivered, 0 otherwise
  ARGV[4] 1 when the part state is final, 0 otherwise
  ARGV[5] now, ms
  ARGV[6] the word for the state delivered (REPLY_STATE in replies.ts)
  ARGV[7] the word for the state failed

  Returns: the reply state after the receipt, or false when the reply is unknown.
]]
local DELIVERED, FAILED = ARGV[6], ARGV[7]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
local state = redis.call('HGET', KEYS[1], 'state')
if state == DELIVERED or state == FAILED then
  return state
end
redis.call('HSET', KEYS[1], 'part:' .. ARGV[1], ARGV[2])
if ARGV[4] ~= '1' then
  return state
end
if ARGV[3] ~= '1' then
  redis.call('HSET', KEYS[1], 'state', FAILED, 'error', ARGV[2], 'updatedAt', ARGV[5])
  return FAILED
end
local parts = tonumber(redis.call('HGET', KEYS[1], 'parts') or '0')
local delivered = 0
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  if string.sub(fields[i], 1, 5) == 'part:' and fields[i + 1] == ARGV[2] then
    delivered = delivered + 1
  end
end
if parts > 0 and delivered >= parts then
  redis.call('HSET', KEYS[1], 'state', DELIVERED, 'updatedAt', ARGV[5])
  return DELIVERED
end
return state

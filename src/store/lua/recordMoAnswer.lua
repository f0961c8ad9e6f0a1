--[[
  Records what we answered the SMSC for the copy that claimed an identity record, unless a later
  message has claimed the record since.

  KEYS[1] identity record (see claimMoIdentity.lua)
  ARGV[1] MO id that claimed it
  ARGV[2] answer: ok | late | error
  ARGV[3] now, ms

  Returns: 1 recorded, 0 the record is gone or belongs to another MO
]]
if redis.call('HGET', KEYS[1], 'id') ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], 'answer', ARGV[2], 'answeredAt', ARGV[3])
return 1

--[[
  Claims the identity record of one inbound message's content (or SMSC message id) for a new MO
  id, if the record is what the caller last saw; otherwise returns the record as it is now, so the
  caller can judge the repeat (src/gateway/message-identity.ts) and try again. Compare-and-set:
  two gateways receiving the same content at once cannot both claim it.

  KEYS[1] identity record (hash: id, link, at, answer, answeredAt)
  ARGV[1] the id the caller expects the record to hold ('' = no record)
  ARGV[2] new MO id
  ARGV[3] link id that carried this copy
  ARGV[4] now, ms
  ARGV[5] time to live, ms

  Returns: {1}                          claimed for ARGV[2], answer 'pending'
           {0, id, link, at, answer}    the record holds another id
]]
local cur = redis.call('HMGET', KEYS[1], 'id', 'link', 'at', 'answer')
local current = cur[1] or ''
if current ~= ARGV[1] then
  return {0, current, cur[2] or '', cur[3] or '0', cur[4] or 'pending'}
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'id', ARGV[2], 'link', ARGV[3], 'at', ARGV[4], 'answer', 'pending')
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {1}

--[[
  Records that the SMSC accepted one part of a reply (its submit_sm_resp) and, with the last part,
  moves the reply from queued to sent. A receipt may have raced ahead and already finished the
  reply (delivered or failed): then only the part is recorded.

  KEYS[1] reply hash
  ARGV[1] SMSC message id of the part, as the SMSC wrote it
  ARGV[2] 1-based number of this part
  ARGV[3] number of parts of the reply
  ARGV[4] now, ms
  ARGV[5] record TTL, seconds
  ARGV[6..9] the words for the states queued, sent, delivered, failed (REPLY_STATE in replies.ts)

  Returns: the reply state after the call.
]]
local QUEUED, SENT = ARGV[6], ARGV[7]
redis.call('HSET', KEYS[1], 'parts', ARGV[3], 'updatedAt', ARGV[4], 'smsc:' .. ARGV[2], ARGV[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[5]))
local state = redis.call('HGET', KEYS[1], 'state')
if tonumber(ARGV[2]) >= tonumber(ARGV[3]) and (state == false or state == QUEUED) then
  redis.call('HSET', KEYS[1], 'state', SENT)
  return SENT
end
return state or QUEUED

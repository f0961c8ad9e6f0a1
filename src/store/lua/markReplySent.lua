--[[
  Moves a reply from queued to sent once every part has been accepted by the SMSC. A receipt
  may have raced ahead and already made it delivered or failed: then nothing changes.

  KEYS[1] reply hash
  ARGV[1] now, ms

  Returns: the reply state after the call.
]]
local state = redis.call('HGET', KEYS[1], 'state')
if state == false or state == 'queued' then
  redis.call('HSET', KEYS[1], 'state', 'sent', 'updatedAt', ARGV[1])
  return 'sent'
end
return state

--[[
  Removes a claimed member of a due-time sorted set (see claimDue.lua), unless it was put back
  meanwhile with a new due time (an early expiry reschedules a payment; new outbox records mark
  their account due again): that one must stay.

  KEYS[1] sorted set
  ARGV[1] member
  ARGV[2] the lease score it was claimed with

  Returns: 1 when removed, 0 when it was rescheduled or is gone.
]]
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0

--[[
  Removes claimed members of a due-time sorted set (see claimDue.lua), each unless it was put back
  meanwhile with a new due time (an early expiry reschedules a payment; new outbox records mark
  their account due again): that one must stay. One call finishes a whole claimed batch.

  KEYS[1] sorted set
  ARGV[2i-1] a member
  ARGV[2i]   the lease score it was claimed with

  Returns: how many members were removed (the others were rescheduled or are gone).
]]
local removed = 0
for i = 1, #ARGV - 1, 2 do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) == tonumber(ARGV[i + 1]) then
    removed = removed + redis.call('ZREM', KEYS[1], ARGV[i])
  end
end
return removed

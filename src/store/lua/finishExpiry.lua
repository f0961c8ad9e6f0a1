--[[
  Removes a claimed expiry entry, unless it was rescheduled meanwhile (an early expiry puts the
  same member back with a new due time: that one must stay).

  KEYS[1] expiries sorted set
  ARGV[1] member
  ARGV[2] the lease score it was claimed with

  Returns: 1 when removed, 0 when it was rescheduled or is gone.
]]
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0

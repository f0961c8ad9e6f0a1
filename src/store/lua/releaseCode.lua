--[[
  Drops a confirmation-code pointer if it still points at this main SIM (after its TTL another
  subscriber may have reserved the same code: that pointer must stay).

  KEYS[1] code pointer
  ARGV[1] main msisdn

  Returns: 1 when dropped, 0 otherwise.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0

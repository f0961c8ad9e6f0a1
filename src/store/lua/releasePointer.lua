--[[
  Drops a global pointer if it still names the given owner (compare-and-delete). Used for
  confirmation-code pointers (after its TTL another subscriber may have reserved the same code: that
  pointer must stay), device owner pointers (owner = main msisdn) and merchant phone pointers
  (owner = merchant code), after the owner's own keys no longer need them.

  KEYS[1] pointer (string)
  ARGV[1] owner the pointer must still name (main msisdn, or merchant code)

  Returns: 1 when dropped, 0 otherwise.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0

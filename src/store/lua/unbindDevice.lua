--[[
  Unbinds a device SIM from its main SIM, inside the main SIM's own keys (one hash slot): removes
  the devices hash field and bumps the subscriber's version, so that a decision taken on the old
  device list is re-made. The global device owner pointer is dropped by the caller AFTER this
  script, and only if it still names this main SIM (releasePointer.lua, compare-and-delete), so the SIM
  can be bound again elsewhere. Until then the pointer dangles, which is harmless: the payment
  decision re-checks the devices hash.

  Its authentication state (MAC key, counter, refusals, suspension) goes with it.

  KEYS[1] subscriber hash of the main SIM
  KEYS[2] devices hash of the main SIM
  KEYS[3] device auth hash of the main SIM

  ARGV[1] device msisdn

  Returns: {'OK', new version}
           {'NO_SUBSCRIBER'}
           {'NOT_BOUND'}          the device is not bound to this main SIM
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'NO_SUBSCRIBER'}
end
if redis.call('HDEL', KEYS[2], ARGV[1]) == 0 then
  return {'NOT_BOUND'}
end
local d = ARGV[1]
redis.call('HDEL', KEYS[3], d .. ':key', d .. ':counter', d .. ':refusals', d .. ':suspended')
return {'OK', redis.call('HINCRBY', KEYS[1], 'version', 1)}

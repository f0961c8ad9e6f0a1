--[[
  Unbinds a device SIM from its main SIM: removes the devices hash field and the owner pointer
  (only if it still points at this main SIM), so the SIM can be bound again elsewhere, and bumps the
  subscriber's version so that a decision taken on the old device list is re-made.

  KEYS[1] subscriber hash of the main SIM
  KEYS[2] devices hash of the main SIM
  KEYS[3] device owner pointer of the device SIM

  ARGV[1] main msisdn
  ARGV[2] device msisdn

  Returns: {'OK', new version}
           {'NO_SUBSCRIBER'}
           {'NOT_BOUND'}          the device is not bound to this main SIM
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'NO_SUBSCRIBER'}
end
if redis.call('HDEL', KEYS[2], ARGV[2]) == 0 then
  return {'NOT_BOUND'}
end
if redis.call('GET', KEYS[3]) == ARGV[1] then
  redis.call('DEL', KEYS[3])
end
return {'OK', redis.call('HINCRBY', KEYS[1], 'version', 1)}

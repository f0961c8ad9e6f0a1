--[[
  Binds an auxiliary (device) SIM to a main SIM. The device owner pointer is taken with SET NX
  semantics inside this script, so of two concurrent bindings of one SIM exactly one wins. Refused
  when the device SIM is a main SIM itself or is already bound (to this or any other subscriber).
  Every change to a subscriber's devices bumps its version (the payment worker's optimistic check).

  KEYS[1] subscriber hash of the main SIM
  KEYS[2] devices hash of the main SIM (device msisdn → JSON)
  KEYS[3] device owner pointer of the device SIM (string → main msisdn)
  KEYS[4] subscriber hash of the device SIM (must not exist)

  ARGV[1] main msisdn
  ARGV[2] device msisdn
  ARGV[3] device record, JSON {msisdn, imsi?, label?, active: true, boundAt}

  Returns: {'OK', new version}
           {'NO_SUBSCRIBER'}
           {'DEVICE_IS_SUBSCRIBER'}
           {'DEVICE_BOUND'}
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'NO_SUBSCRIBER'}
end
if redis.call('EXISTS', KEYS[4]) == 1 then
  return {'DEVICE_IS_SUBSCRIBER'}
end
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then
  return {'DEVICE_BOUND'}
end
if not redis.call('SET', KEYS[3], ARGV[1], 'NX') then
  return {'DEVICE_BOUND'}
end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return {'OK', redis.call('HINCRBY', KEYS[1], 'version', 1)}

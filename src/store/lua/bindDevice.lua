--[[
  Binds an auxiliary (device) SIM to a main SIM, inside the main SIM's own keys (one hash slot).
  The global device owner pointer is claimed by the caller (EnrolmentStore.bindDevice, SET NX)
  BEFORE this script and released by it (releasePointer.lua) when this script refuses; the caller also
  refuses a device SIM that is a main SIM itself. Safe order: of concurrent bindings of one SIM to
  different main SIMs only the one holding the pointer reaches this script; bindings to the same
  main SIM (which all accept a pointer naming it) are serialised here by the HEXISTS, so exactly one
  succeeds. The pointer is only a pointer: the payment decision re-checks the devices hash, so one
  left dangling by a crash is harmless. Refused when the device SIM is already in this main SIM's
  devices hash. Every change to a subscriber's devices bumps its version (the payment worker's
  optimistic check). A MAC device's sealed verification key is written with the binding (its
  counter starts at 0); whatever a former binding of the same SIM left in the auth hash is dropped.

  KEYS[1] subscriber hash of the main SIM
  KEYS[2] devices hash of the main SIM (device msisdn → JSON)
  KEYS[3] device auth hash of the main SIM (`<device>:key|counter|refusals|suspended`)

  ARGV[1] device msisdn
  ARGV[2] device record, JSON {msisdn, imsi?, label?, active: true, boundAt}
  ARGV[3] sealed verification key of a MAC device, or '' (a device without MAC)

  Returns: {'OK', new version}
           {'NO_SUBSCRIBER'}
           {'DEVICE_BOUND'}      already bound to this main SIM
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'NO_SUBSCRIBER'}
end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then
  return {'DEVICE_BOUND'}
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
local d = ARGV[1]
redis.call('HDEL', KEYS[3], d .. ':key', d .. ':counter', d .. ':refusals', d .. ':suspended')
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[3], d .. ':key', ARGV[3])
end
return {'OK', redis.call('HINCRBY', KEYS[1], 'version', 1)}

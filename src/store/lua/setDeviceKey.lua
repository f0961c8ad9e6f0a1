--[[
  Gives a bound device a new MAC verification key (an operator rotated the key or changed the PIN;
  a device bound without MAC becomes a MAC device), inside the main SIM's own keys (one hash slot).
  The old key stops working at once: the subscriber's version is bumped, so a decision taken on the
  old key is made again. The counter starts again at 0 and the device's refusals are forgotten (a
  new key is a new device); a suspension stays.

  KEYS[1] subscriber hash of the main SIM
  KEYS[2] devices hash of the main SIM
  KEYS[3] device auth hash of the main SIM

  ARGV[1] device msisdn
  ARGV[2] sealed verification key (store/device-keys.ts)

  Returns: {'OK', new version}
           {'NO_SUBSCRIBER'}
           {'NOT_BOUND'}          the device is not bound to this main SIM
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'NO_SUBSCRIBER'}
end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then
  return {'NOT_BOUND'}
end
local d = ARGV[1]
redis.call('HSET', KEYS[3], d .. ':key', ARGV[2])
redis.call('HDEL', KEYS[3], d .. ':counter', d .. ':refusals')
return {'OK', redis.call('HINCRBY', KEYS[1], 'version', 1)}

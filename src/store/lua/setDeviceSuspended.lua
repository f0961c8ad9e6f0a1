--[[
  An operator suspends a bound device (its messages are ignored) or re-activates it, inside the
  main SIM's own keys (one hash slot). Re-activation also forgets the device's refused messages, so
  a device ignored after too many refusals works again at once. Bumps the subscriber's version, so
  a decision taken before the change is made again.

  KEYS[1] subscriber hash of the main SIM
  KEYS[2] devices hash of the main SIM
  KEYS[3] device auth hash of the main SIM

  ARGV[1] device msisdn
  ARGV[2] '1' suspend, '0' re-activate

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
if ARGV[2] == '1' then
  redis.call('HSET', KEYS[3], d .. ':suspended', '1')
else
  redis.call('HDEL', KEYS[3], d .. ':suspended', d .. ':refusals')
end
return {'OK', redis.call('HINCRBY', KEYS[1], 'version', 1)}

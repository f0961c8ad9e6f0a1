--[[
  Clears a lockout (failed authentications or suspected SIM swap): locked = 0, failedAuth = 0,
  lockReason removed; bumps the version.

  KEYS[1] subscriber hash

  Returns: {'OK', new version}
           {'NO_SUBSCRIBER'}
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'NO_SUBSCRIBER'}
end
redis.call('HSET', KEYS[1], 'locked', '0', 'failedAuth', '0')
redis.call('HDEL', KEYS[1], 'lockReason')
return {'OK', redis.call('HINCRBY', KEYS[1], 'version', 1)}

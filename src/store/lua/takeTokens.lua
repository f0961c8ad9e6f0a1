--[[
  A token bucket shared by every gateway bound with one SMSC account (throughputScope
  "per-account"): carriers limit the account, in submit_sm segments per second, however many binds
  and instances use it. Tokens are kept in segment-milliseconds (1 segment = 1000), so refill and
  waits are exact integers, as in the in-process bucket (src/smpp/throttle.ts). A request larger
  than the bucket waits for a full bucket and then drives it negative, so the long-run rate holds.

  KEYS[1] bucket hash (fields tokens, at)

  ARGV[1] now, ms (the caller's clock; gateways' clocks are assumed NTP-synchronised)
  ARGV[2] refill: segments per second (= segment-ms per ms)
  ARGV[3] capacity, segments (the burst)
  ARGV[4] segments wanted

  Returns: 0 when the segments were taken, else the milliseconds to wait before asking again.
]]
local now = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local capacity = tonumber(ARGV[3]) * 1000
local want = tonumber(ARGV[4]) * 1000
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens') or capacity)
local at = tonumber(redis.call('HGET', KEYS[1], 'at') or now)
if now > at then
  tokens = math.min(capacity, tokens + (now - at) * rate)
  at = now
end
local needed = math.min(want, capacity)
if tokens < needed then
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
  return math.ceil((needed - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - want), 'at', tostring(at))
-- An idle bucket is full again after capacity / rate ms: then it may as well not exist.
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate) + 60000)
return 0

--[[
  Registers a merchant with a zero balance and adds it to the merchant index.

  KEYS[1] merchant hash
  KEYS[2] merchant index (zset code by createdAt)

  ARGV[1] code (upper-case)
  ARGV[2] name
  ARGV[3] now, ms

  Returns: {'OK'}
           {'MERCHANT_EXISTS'}
]]
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {'MERCHANT_EXISTS'}
end
redis.call('HSET', KEYS[1], 'code', ARGV[1], 'name', ARGV[2], 'balance', '0', 'createdAt', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return {'OK'}

--[[
  Registers a merchant with a zero balance and adds it to the merchant index; with a phone, points
  the phone at the merchant (CHECK from the till), refused when that phone is another merchant's.

  KEYS[1] merchant hash
  KEYS[2] merchant index (zset code by createdAt)
  KEYS[3] merchant phone pointer of ARGV[4] (any key when there is no phone)

  ARGV[1] code (upper-case)
  ARGV[2] name
  ARGV[3] now, ms
  ARGV[4] phone msisdn, or ''
  ARGV[5] webhook URL, or ''
  ARGV[6] webhook secret, or '' (kept to sign webhooks; returned to the caller once, at creation)

  Returns: {'OK'}
           {'MERCHANT_EXISTS'}
           {'PHONE_TAKEN'}      the phone belongs to another merchant
]]
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {'MERCHANT_EXISTS'}
end
if ARGV[4] ~= '' then
  local owner = redis.call('GET', KEYS[3])
  if owner and owner ~= ARGV[1] then
    return {'PHONE_TAKEN'}
  end
  redis.call('SET', KEYS[3], ARGV[1])
end
redis.call('HSET', KEYS[1], 'code', ARGV[1], 'name', ARGV[2], 'balance', '0', 'createdAt', ARGV[3])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'msisdn', ARGV[4]) end
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'webhookUrl', ARGV[5], 'webhookSecret', ARGV[6]) end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return {'OK'}

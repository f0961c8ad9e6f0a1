--[[
  Registers a merchant with a zero balance, inside the merchant's own hash (one hash slot). The
  caller (EnrolmentStore.createMerchant) claims the global phone pointer BEFORE this script (SET NX,
  PHONE_TAKEN when it names another merchant) and adds the merchant to the global index AFTER it
  (ZADD NX). On MERCHANT_EXISTS this script returns what the caller needs to repair a crash of an
  earlier attempt: createdAt (to re-add the index entry) and the merchant's phone (to release the
  phone pointer it just claimed, when that phone is not the merchant's).

  KEYS[1] merchant hash

  ARGV[1] code (upper-case)
  ARGV[2] name
  ARGV[3] now, ms
  ARGV[4] phone msisdn, or ''
  ARGV[5] webhook URL, or ''
  ARGV[6] webhook secret, or '' (kept to sign webhooks; returned to the caller once, at creation)

  Returns: {'OK'}
           {'MERCHANT_EXISTS', createdAt, phone msisdn or ''}
]]
if redis.call('EXISTS', KEYS[1]) == 1 then
  local h = redis.call('HMGET', KEYS[1], 'createdAt', 'msisdn')
  return {'MERCHANT_EXISTS', h[1] or '', h[2] or ''}
end
redis.call('HSET', KEYS[1], 'code', ARGV[1], 'name', ARGV[2], 'balance', '0', 'createdAt', ARGV[3])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'msisdn', ARGV[4]) end
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'webhookUrl', ARGV[5], 'webhookSecret', ARGV[6]) end
return {'OK'}

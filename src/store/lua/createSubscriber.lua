--[[
  Enrols a main SIM: profile, opening balance (recorded as the credit with reference "opening", added
  to the ledger's credit total and journaled from the float account), and the subscriber index —
  all or nothing. Refused when the
  MSISDN is already a subscriber or is bound as somebody's device.

  KEYS[1] subscriber hash
  KEYS[2] credits hash of this subscriber (reference → amount, minor units)
  KEYS[3] credit results hash of this subscriber (reference → balance after that credit)
  KEYS[4] device owner pointer of this MSISDN (string; must not exist)
  KEYS[5] subscriber index (zset msisdn by createdAt)
  KEYS[6] ledger totals hash (fields credits, float)
  KEYS[7] journal stream

  ARGV[1] msisdn (E.164 digits)
  ARGV[2] imsi, or '' for none
  ARGV[3] name, or '' for none
  ARGV[4] opening balance, integer minor units (may be 0)
  ARGV[5] now, ms
  ARGV[6] today, YYYY-MM-DD (UTC), the day dailySpent belongs to

  Returns: {'OK'}
           {'SUBSCRIBER_EXISTS'}
           {'MSISDN_IS_DEVICE'}
]]
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {'SUBSCRIBER_EXISTS'}
end
if redis.call('EXISTS', KEYS[4]) == 1 then
  return {'MSISDN_IS_DEVICE'}
end
local balance = ARGV[4]
redis.call('HSET', KEYS[1],
  'msisdn', ARGV[1],
  'balance', balance,
  'locked', '0',
  'failedAuth', '0',
  'dailySpent', '0',
  'dailyDate', ARGV[6],
  'version', '1',
  'createdAt', ARGV[5])
if ARGV[2] ~= '' then
  redis.call('HSET', KEYS[1], 'imsi', ARGV[2])
end
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[1], 'name', ARGV[3])
end
redis.call('HSET', KEYS[2], 'opening', balance)
redis.call('HSET', KEYS[3], 'opening', balance)
redis.call('HINCRBY', KEYS[6], 'credits', balance)
if tonumber(balance) > 0 then
  redis.call('HINCRBY', KEYS[6], 'float', -tonumber(balance))
  redis.call('XADD', KEYS[7], '*', 'at', ARGV[5], 'kind', 'credit', 'transferId', 'credit:' .. ARGV[1] .. ':opening',
    'debit', 'float', 'credit', 'subscriber:' .. ARGV[1], 'amount', balance)
end
redis.call('ZADD', KEYS[5], ARGV[5], ARGV[1])
return {'OK'}

--[[
  Enrols a main SIM: profile and opening balance (recorded as the credit with reference "opening",
  journaled from the float account; the float's side leaves through her ledger outbox, as with
  every credit) — all or nothing, in her slot only. The caller checks beforehand that the MSISDN
  is not bound as somebody's device, and adds her to the subscriber index afterwards (a repeated
  enrolment that finds her re-adds her there, so a crash in between heals).

  KEYS[1] subscriber hash
  KEYS[2] credits hash of this subscriber (reference → amount, minor units)
  KEYS[3] credit results hash of this subscriber (reference → balance after that credit)
  KEYS[4] her journal stream
  KEYS[5] her ledger outbox stream

  ARGV[1] msisdn (E.164 digits)
  ARGV[2] imsi, or '' for none
  ARGV[3] name, or '' for none
  ARGV[4] opening balance, integer minor units (may be 0)
  ARGV[5] now, ms
  ARGV[6] today, YYYY-MM-DD (UTC), the day dailySpent belongs to

  Returns: {'OK'}
           {'SUBSCRIBER_EXISTS', createdAt}
]]
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {'SUBSCRIBER_EXISTS', redis.call('HGET', KEYS[1], 'createdAt') or '0'}
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
if tonumber(balance) > 0 then
  local transferId, credit = 'credit:' .. ARGV[1] .. ':opening', 'subscriber:' .. ARGV[1]
  redis.call('XADD', KEYS[4], '*', 'at', ARGV[5], 'kind', 'credit', 'transferId', transferId, 'debit', 'float', 'credit', credit, 'amount', balance)
  redis.call('XADD', KEYS[5], '*', 'record', 'posting', 'account', 'float', 'delta', tostring(-tonumber(balance)),
    'at', ARGV[5], 'kind', 'credit', 'transferId', transferId, 'debit', 'float', 'credit', credit, 'amount', balance)
end
return {'OK'}

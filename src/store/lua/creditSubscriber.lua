--[[
  Tops up a subscriber's balance once per reference. The same reference with the same amount is a
  replay and changes nothing (it answers the balance recorded by the original credit); the same
  reference with another amount is refused. The credit is journaled as one entry from the float
  account (the issuer) on the subscriber's side; the float's side, which can never refuse, leaves
  through the subscriber's ledger outbox (store/ledger-outbox.ts), so every key here is in her slot.

  KEYS[1] subscriber hash
  KEYS[2] credits hash of this subscriber (reference → amount, minor units)
  KEYS[3] credit results hash of this subscriber (reference → balance after that credit)
  KEYS[4] the subscriber's journal stream
  KEYS[5] the subscriber's ledger outbox stream

  ARGV[1] reference
  ARGV[2] amount, positive integer minor units
  ARGV[3] maximum balance allowed after the credit, minor units
  ARGV[4] msisdn (for the journal's account name)
  ARGV[5] now, ms

  Returns: {'OK', balance after}
           {'DUPLICATE', balance after the original credit}
           {'NO_SUBSCRIBER'}
           {'REFERENCE_CONFLICT'}   the reference was used with another amount
           {'BALANCE_LIMIT'}        the balance would exceed ARGV[3]
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'NO_SUBSCRIBER'}
end
local existing = redis.call('HGET', KEYS[2], ARGV[1])
if existing then
  if tonumber(existing) ~= tonumber(ARGV[2]) then
    return {'REFERENCE_CONFLICT'}
  end
  local after = redis.call('HGET', KEYS[3], ARGV[1]) or redis.call('HGET', KEYS[1], 'balance') or '0'
  return {'DUPLICATE', tonumber(after)}
end
local balance = tonumber(redis.call('HGET', KEYS[1], 'balance') or '0')
local amount = tonumber(ARGV[2])
if balance + amount > tonumber(ARGV[3]) then
  return {'BALANCE_LIMIT'}
end
local after = redis.call('HINCRBY', KEYS[1], 'balance', amount)
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[1], after)
local transferId, credit = 'credit:' .. ARGV[4] .. ':' .. ARGV[1], 'subscriber:' .. ARGV[4]
redis.call('XADD', KEYS[4], '*', 'at', ARGV[5], 'kind', 'credit', 'transferId', transferId, 'debit', 'float', 'credit', credit, 'amount', ARGV[2])
redis.call('XADD', KEYS[5], '*', 'record', 'posting', 'account', 'float', 'delta', tostring(-amount),
  'at', ARGV[5], 'kind', 'credit', 'transferId', transferId, 'debit', 'float', 'credit', credit, 'amount', ARGV[2])
return {'OK', after}

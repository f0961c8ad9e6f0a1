--[[
  Refunds all or part of a completed payment, once per reference: the merchant's balance goes down,
  the payer's up, and one journal entry (merchant → subscriber) records it, all or nothing. The same
  reference with the same amount is a replay and answers the original refund; with another amount
  it is refused. Never more than what is left of the payment.

  KEYS[1] subscriber hash (the payer)
  KEYS[2] payments hash of the payer
  KEYS[3] refunds hash of the payer (ref:<payment>:<reference> → refund JSON, total:<payment> → minor units)
  KEYS[4] merchant hash
  KEYS[5] journal stream
  KEYS[6] ledger totals hash (unused today: a refund moves e-money, it does not issue any)
  KEYS[7] merchant transfers hash
  KEYS[8] merchant outbox stream (payment.refunded)

  ARGV[1] payment id
  ARGV[2] reference
  ARGV[3] amount, positive integer minor units
  ARGV[4] now, ms
  ARGV[5] refund id (deterministic from payment id and reference)

  Returns: {'OK', refund JSON, balance after}
           {'DUPLICATE', refund JSON, balance now}
           {'NO_PAYMENT'}
           {'NOT_COMPLETED'}
           {'REFERENCE_CONFLICT'}     the reference was used with another amount
           {'OVER_REFUND', left}      more than what is left of the payment
           {'MERCHANT_FUNDS', balance} the merchant's balance does not cover it
]]
local pjson = redis.call('HGET', KEYS[2], ARGV[1])
if not pjson then
  return {'NO_PAYMENT'}
end
local payment = cjson.decode(pjson)
if payment.state ~= 'completed' then
  return {'NOT_COMPLETED'}
end
local refField = 'ref:' .. ARGV[1] .. ':' .. ARGV[2]
local existing = redis.call('HGET', KEYS[3], refField)
if existing then
  if tonumber(cjson.decode(existing).amountMinor) ~= tonumber(ARGV[3]) then
    return {'REFERENCE_CONFLICT'}
  end
  return {'DUPLICATE', existing, redis.call('HGET', KEYS[1], 'balance') or '0'}
end
local amount = tonumber(ARGV[3])
local refunded = tonumber(redis.call('HGET', KEYS[3], 'total:' .. ARGV[1]) or '0')
local left = tonumber(payment.amountMinor) - refunded
if amount > left then
  return {'OVER_REFUND', left}
end
local merchantBalance = tonumber(redis.call('HGET', KEYS[4], 'balance') or '0')
if merchantBalance < amount then
  return {'MERCHANT_FUNDS', merchantBalance}
end
redis.call('HINCRBY', KEYS[4], 'balance', -amount)
local after = redis.call('HINCRBY', KEYS[1], 'balance', amount)
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HINCRBY', KEYS[3], 'total:' .. ARGV[1], amount)
redis.call('HSET', KEYS[7], ARGV[5], -amount)
local refund = cjson.encode({id = ARGV[5], paymentId = ARGV[1], reference = ARGV[2], amountMinor = amount, at = tonumber(ARGV[4]), merchant = payment.merchant})
redis.call('HSET', KEYS[3], refField, refund)
redis.call('XADD', KEYS[5], '*', 'at', ARGV[4], 'kind', 'refund', 'transferId', ARGV[5],
  'debit', 'merchant:' .. payment.merchant, 'credit', 'subscriber:' .. payment.main, 'amount', tostring(amount))
redis.call('XADD', KEYS[8], '*', 'type', 'payment.refunded', 'eventId', 'evt-' .. ARGV[5], 'paymentId', ARGV[1],
  'payer', payment.main, 'merchant', payment.merchant, 'amount', tostring(amount), 'at', ARGV[4], 'refundId', ARGV[5], 'reference', ARGV[2])
return {'OK', refund, after}

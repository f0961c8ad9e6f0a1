--[[
  Refunds all or part of a completed payment, once per reference, on the merchant's side — the side
  that can refuse (its balance must cover the refund): the merchant's balance goes down and one
  journal line (merchant → subscriber) records it, all or nothing, in the merchant's slot only. The
  payer's side (which cannot refuse) and the payment.refunded event leave through the merchant's
  ledger outbox (store/ledger-outbox.ts). What the payment was is read from the merchant's own posting of
  it (a payment is posted to the merchant only once completed), so no key of the payer is needed.
  The same reference with the same amount is a replay and answers the original refund; with another
  amount it is refused. Never more than what is left of the payment.

  KEYS[1] merchant hash
  KEYS[2] merchant postings hash (transfer id → JSON {amount, debit, ...}; the payment's own posting)
  KEYS[3] merchant refunds hash (ref:<payment>:<reference> → refund JSON, total:<payment> → minor units)
  KEYS[4] merchant journal stream
  KEYS[5] merchant ledger outbox stream

  ARGV[1] payment id
  ARGV[2] reference
  ARGV[3] amount, positive integer minor units
  ARGV[4] now, ms
  ARGV[5] refund id (deterministic from payment id and reference)
  ARGV[6] merchant code

  Returns: {'OK', refund JSON}
           {'DUPLICATE', refund JSON}
           {'NOT_POSTED'}             no completed payment of this id has reached this merchant
           {'REFERENCE_CONFLICT'}     the reference was used with another amount
           {'OVER_REFUND', left}      more than what is left of the payment
           {'MERCHANT_FUNDS', balance} the merchant's balance does not cover it
]]
local posting = redis.call('HGET', KEYS[2], ARGV[1])
if not posting then
  return {'NOT_POSTED'}
end
local paid = cjson.decode(posting)
local refField = 'ref:' .. ARGV[1] .. ':' .. ARGV[2]
local existing = redis.call('HGET', KEYS[3], refField)
if existing then
  if tonumber(cjson.decode(existing).amountMinor) ~= tonumber(ARGV[3]) then
    return {'REFERENCE_CONFLICT'}
  end
  return {'DUPLICATE', existing}
end
local amount = tonumber(ARGV[3])
local refunded = tonumber(redis.call('HGET', KEYS[3], 'total:' .. ARGV[1]) or '0')
local left = tonumber(paid.amount) - refunded
if amount > left then
  return {'OVER_REFUND', left}
end
local merchantBalance = tonumber(redis.call('HGET', KEYS[1], 'balance') or '0')
if merchantBalance < amount then
  return {'MERCHANT_FUNDS', merchantBalance}
end
redis.call('HINCRBY', KEYS[1], 'balance', -amount)
redis.call('HINCRBY', KEYS[3], 'total:' .. ARGV[1], amount)
local payer = string.sub(paid.debit, string.len('subscriber:') + 1)
local refund = cjson.encode({id = ARGV[5], paymentId = ARGV[1], reference = ARGV[2], amountMinor = amount, at = tonumber(ARGV[4]), merchant = ARGV[6], payer = payer})
redis.call('HSET', KEYS[3], refField, refund)
local debit, credit = 'merchant:' .. ARGV[6], paid.debit
redis.call('XADD', KEYS[4], '*', 'at', ARGV[4], 'kind', 'refund', 'transferId', ARGV[5], 'debit', debit, 'credit', credit, 'amount', tostring(amount))
redis.call('XADD', KEYS[5], '*', 'record', 'posting', 'account', credit, 'delta', tostring(amount),
  'at', ARGV[4], 'kind', 'refund', 'transferId', ARGV[5], 'debit', debit, 'credit', credit, 'amount', tostring(amount),
  'paymentId', ARGV[1], 'merchant', ARGV[6])
redis.call('XADD', KEYS[5], '*', 'record', 'event', 'type', 'payment.refunded', 'eventId', 'evt-' .. ARGV[5], 'paymentId', ARGV[1],
  'payer', payer, 'merchant', ARGV[6], 'amount', tostring(amount), 'at', ARGV[4], 'refundId', ARGV[5], 'reference', ARGV[2])
return {'OK', refund}

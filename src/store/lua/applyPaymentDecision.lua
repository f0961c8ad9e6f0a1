--[[
  Applies one payment decision of one main SIM atomically: payment records and their history,
  subscriber counters, and the payer's side of the ledger transfer — all or nothing. Every key is
  the subscriber's (one cluster slot): the merchant's side of the transfer and the merchant's
  notice leave through the subscriber's ledger outbox, settled into the merchant's slot by the
  ledger relay (store/ledger-outbox.ts), idempotently by transfer id. The merchant's existence was checked
  by the decision (a payment to an unknown merchant is declined), and merchants are never removed.
  Optimistic concurrency: the decision was made on a snapshot at `expected version`; if anything
  of this subscriber changed since, nothing is written and the caller decides again.
  Idempotent by step id (the MO id, or exp-<payment id> for a window end): a retried job finds the applied marker and gets the stored record back.
  The transfer id is the payment id; the same id with other content is an error, never a second debit.

  KEYS[1] subscriber hash
  KEYS[2] payments hash
  KEYS[3] legacy open payments set (only drained: open ids live in KEYS[1]'s `open` field)
  KEYS[4] payment index (zset by createdAt)
  KEYS[5] applied marker of this step (string)
  KEYS[6] transfers hash of this subscriber
  KEYS[7] the subscriber's journal stream (one line per transfer: subscriber → merchant)
  KEYS[8] the subscriber's ledger outbox stream (the merchant's posting, the payment.completed event)
  KEYS[9] device auth hash (a MAC device's accepted counter and its refusals, under the same
          version check: two workers can never both accept one counter)

  ARGV[1] expected subscriber version
  ARGV[2] now (ms)
  ARGV[3] number of payment records N that follow from ARGV[9]
  ARGV[4] subscriber hash fields to set: JSON object field → string value, already named and
          spelled as stored (store/payments.ts, SUBSCRIBER_FIELDS: the one map of code names to fields)
  ARGV[5] transfer: JSON {id, fromMsisdn, toMerchant, amountMinor} or ''
  ARGV[6] applied record (JSON) to keep under KEYS[5]
  ARGV[7] applied record TTL, seconds
  ARGV[8] device changes: JSON array [{msisdn, counter?: decimal string, refusals?: ms space-separated ('' = none)}]
  ARGV[9 + 4k .. 12 + 4k], k = 0..N-1: payment id, '1' if the payment is still open (not in a
          terminal state: domain/payment.ts decides, not this script) else '0', createdAt, full JSON
          record (stored verbatim)

  Returns: {'OK', new version, balance after}
           {'APPLIED', applied record}        this step was applied before
           {'CONFLICT', current version}      decide again on a fresh snapshot
           {'NO_SUBSCRIBER'}
           {'INSUFFICIENT_FUNDS', balance}
           {'TRANSFER_MISMATCH'}              same transfer id, different content
           {'PAYMENT_ID_TAKEN'}               a new payment's id already belongs to another payment
]]
local applied = redis.call('GET', KEYS[5])
if applied then
  return {'APPLIED', applied}
end
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'NO_SUBSCRIBER'}
end
local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if version ~= tonumber(ARGV[1]) then
  return {'CONFLICT', version}
end

-- A payment id is written over only by the same payment (same creation time): a colliding id
-- fails loudly instead of overwriting another payment's record.
for k = 0, tonumber(ARGV[3]) - 1 do
  local existing = redis.call('HGET', KEYS[2], ARGV[9 + 4 * k])
  if existing and tonumber(cjson.decode(existing).createdAt) ~= tonumber(ARGV[11 + 4 * k]) then
    return {'PAYMENT_ID_TAKEN'}
  end
end

if ARGV[5] ~= '' then
  local t = cjson.decode(ARGV[5])
  local existing = redis.call('HGET', KEYS[6], t.id)
  if existing then
    if existing ~= ARGV[5] then
      return {'TRANSFER_MISMATCH'}
    end
  else
    local balance = tonumber(redis.call('HGET', KEYS[1], 'balance') or '0')
    local amount = tonumber(t.amountMinor)
    if amount == nil or amount <= 0 or amount ~= math.floor(amount) then
      return {'TRANSFER_MISMATCH'}
    end
    if balance < amount then
      return {'INSUFFICIENT_FUNDS', balance}
    end
    redis.call('HINCRBY', KEYS[1], 'balance', -amount)
    redis.call('HSET', KEYS[6], t.id, ARGV[5])
    local debit, credit = 'subscriber:' .. t.fromMsisdn, 'merchant:' .. t.toMerchant
    redis.call('XADD', KEYS[7], '*', 'at', ARGV[2], 'kind', 'payment', 'transferId', t.id, 'debit', debit, 'credit', credit, 'amount', tostring(amount))
    redis.call('XADD', KEYS[8], '*', 'record', 'posting', 'account', credit, 'delta', tostring(amount),
      'at', ARGV[2], 'kind', 'payment', 'transferId', t.id, 'debit', debit, 'credit', credit, 'amount', tostring(amount))
    -- The merchant learns of it from a durable record written with the money, never only from
    -- the customer's screen: a crash after this step cannot lose the notice.
    redis.call('XADD', KEYS[8], '*', 'record', 'event', 'type', 'payment.completed', 'eventId', 'evt-' .. t.id, 'paymentId', t.id,
      'payer', t.fromMsisdn, 'merchant', t.toMerchant, 'amount', tostring(amount), 'at', ARGV[2])
  end
end

-- The open payment ids, space-separated, in the subscriber hash (a field costs a few bytes where a
-- one-member SET costs ~200 B per subscriber).
local openIds = {}
for id in string.gmatch(redis.call('HGET', KEYS[1], 'open') or '', '%S+') do openIds[id] = true end
for k = 0, tonumber(ARGV[3]) - 1 do
  local id, open, createdAt, json = ARGV[9 + 4 * k], ARGV[10 + 4 * k], ARGV[11 + 4 * k], ARGV[12 + 4 * k]
  redis.call('HSET', KEYS[2], id, json)
  if open == '1' then
    openIds[id] = true
  else
    openIds[id] = nil
    redis.call('SREM', KEYS[3], id)
  end
  redis.call('ZADD', KEYS[4], 'NX', createdAt, id)
end
if tonumber(ARGV[3]) > 0 then
  local list = {}
  for id in pairs(openIds) do list[#list + 1] = id end
  table.sort(list)
  if #list == 0 then
    redis.call('HDEL', KEYS[1], 'open')
  else
    redis.call('HSET', KEYS[1], 'open', table.concat(list, ' '))
  end
end

for field, value in pairs(cjson.decode(ARGV[4])) do
  redis.call('HSET', KEYS[1], field, value)
end

for _, d in ipairs(cjson.decode(ARGV[8])) do
  if d.counter ~= nil then
    redis.call('HSET', KEYS[9], d.msisdn .. ':counter', d.counter)
  end
  if d.refusals ~= nil then
    if d.refusals == '' then
      redis.call('HDEL', KEYS[9], d.msisdn .. ':refusals')
    else
      redis.call('HSET', KEYS[9], d.msisdn .. ':refusals', d.refusals)
    end
  end
end

local newVersion = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('SET', KEYS[5], ARGV[6], 'EX', tonumber(ARGV[7]))
return {'OK', newVersion, redis.call('HGET', KEYS[1], 'balance')}

--[[
  Applies the other side of a transfer to an account, once per transfer id: the balance changes by
  the signed delta and the account's journal gets the entry's line, atomically, in the account's
  slot only. Written from another account's ledger outbox (store/ledger-outbox.ts), by whichever relay
  settles it first; a second application of the same transfer is a no-op that answers the balance
  recorded by the first, so a retried settlement sends the same notice.

  KEYS[1] the account's balance hash (subscriber or merchant hash, or the float)
  KEYS[2] the account's postings hash (transfer id → JSON {amount, delta, debit, credit, kind, at, balanceAfter})
  KEYS[3] the account's journal stream

  ARGV[1] transfer id
  ARGV[2] delta, signed integer minor units
  ARGV[3] at, ms (the entry's time, as written on the first side)
  ARGV[4] kind (credit, payment, refund)
  ARGV[5] debit account
  ARGV[6] credit account
  ARGV[7] amount, positive integer minor units
  ARGV[8] '1' to bump the hash's `version` (a subscriber: her next decision must see the new balance)

  Returns: {'OK', balance after}
           {'DUPLICATE', balance after the first application}
]]
local existing = redis.call('HGET', KEYS[2], ARGV[1])
if existing then
  return {'DUPLICATE', tostring(cjson.decode(existing).balanceAfter)}
end
local after = redis.call('HINCRBY', KEYS[1], 'balance', tonumber(ARGV[2]))
if ARGV[8] == '1' then
  redis.call('HINCRBY', KEYS[1], 'version', 1)
end
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode({amount = tonumber(ARGV[7]), delta = tonumber(ARGV[2]), debit = ARGV[5], credit = ARGV[6], kind = ARGV[4], at = tonumber(ARGV[3]), balanceAfter = after}))
redis.call('XADD', KEYS[3], '*', 'at', ARGV[3], 'kind', ARGV[4], 'transferId', ARGV[1], 'debit', ARGV[5], 'credit', ARGV[6], 'amount', ARGV[7])
return {'OK', tostring(after)}

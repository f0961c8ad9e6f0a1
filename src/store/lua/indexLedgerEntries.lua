--[[
  Adds journal entries to the ledger's entry index (GET /v1/ledger/entries), each transfer once:
  settling an outbox twice (two relays, a retry after a crash) indexes nothing twice. The index is
  a listing; the accounts' own journals, written with their balances, are what the check sums.

  KEYS[1] entry index stream
  KEYS[2] transfer id → index id hash

  ARGV: N groups of 6 — transfer id, at (ms), kind, debit, credit, amount

  Returns: the number of entries added.
]]
local added = 0
for i = 1, #ARGV, 6 do
  if redis.call('HEXISTS', KEYS[2], ARGV[i]) == 0 then
    local id = redis.call('XADD', KEYS[1], '*', 'at', ARGV[i + 1], 'kind', ARGV[i + 2], 'transferId', ARGV[i],
      'debit', ARGV[i + 3], 'credit', ARGV[i + 4], 'amount', ARGV[i + 5])
    redis.call('HSET', KEYS[2], ARGV[i], id)
    added = added + 1
  end
end
return added

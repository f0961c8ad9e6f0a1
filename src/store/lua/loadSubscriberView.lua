--[[
  Reads everything the payment decision needs about one main SIM in one atomic snapshot.

  KEYS[1] subscriber hash
  KEYS[2] devices hash
  KEYS[3] legacy open payments set (read and drained; the ids now live in the subscriber hash's
          `open` field, space-separated — a one-member SET costs ~200 B per subscriber)
  KEYS[4] payments hash
  KEYS[5] applied marker of this step (string)
  KEYS[6] payment index (zset by createdAt)
  KEYS[7] device auth hash (MAC keys, counters, refusals, suspensions)
  ARGV[1] a code a device presented ('' = none): if no open payment holds it, the newest of the
          last 20 payments that does is returned too (a late confirmation is told so, not failed)

  Returns: false when the subscriber does not exist, else
           {subscriber HGETALL flat list, devices HGETALL flat list, open payment JSONs (list),
            applied record or false, ended payment JSON holding ARGV[1] or false,
            device auth HGETALL flat list}
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
local open, seen = {}, {}
for id in string.gmatch(redis.call('HGET', KEYS[1], 'open') or '', '%S+') do
  if not seen[id] then seen[id] = true; open[#open + 1] = id end
end
for _, id in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  if not seen[id] then seen[id] = true; open[#open + 1] = id end
end
local payments = {}
for i = 1, #open do
  local p = redis.call('HGET', KEYS[4], open[i])
  if p then
    payments[#payments + 1] = p
  end
end
local applied = redis.call('GET', KEYS[5])
local ended = false
if ARGV[1] ~= '' then
  local needle = '"code":"' .. ARGV[1] .. '"'
  local held = false
  for i = 1, #payments do
    if string.find(payments[i], needle, 1, true) then held = true end
  end
  if not held then
    local recent = redis.call('ZREVRANGE', KEYS[6], 0, 19)
    for i = 1, #recent do
      local p = redis.call('HGET', KEYS[4], recent[i])
      if p and string.find(p, needle, 1, true) then
        ended = p
        break
      end
    end
  end
end
return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2]), payments, applied, ended, redis.call('HGETALL', KEYS[7])}

--[[
  Reads everything the payment decision needs about one main SIM in one atomic snapshot.

  KEYS[1] subscriber hash
  KEYS[2] devices hash
  KEYS[3] open payments set
  KEYS[4] payments hash
  KEYS[5] applied marker of this MO (string)

  Returns: false when the subscriber does not exist, else
           {subscriber HGETALL flat list, devices HGETALL flat list, open payment JSONs (list), applied record or false}
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
local open = redis.call('SMEMBERS', KEYS[3])
local payments = {}
for i = 1, #open do
  local p = redis.call('HGET', KEYS[4], open[i])
  if p then
    payments[#payments + 1] = p
  end
end
local applied = redis.call('GET', KEYS[5])
return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2]), payments, applied}

--[[
  Stores one part of a concatenated MO (UDH or SAR TLVs) and reports whether all parts are present.
  The key is deleted by the caller only after the joined MO is durably enqueued, so a crash in
  between is repaired by the SMSC's redelivery of the unacknowledged last part. The first part
  enters the reassembly deadline (a sorted set) that the gateway sweeps, so that a message whose
  other parts never come is logged and counted instead of vanishing with a TTL.

  KEYS[1] parts hash (field = part number, value = payload as hex)
  KEYS[2] deadlines sorted set (member = KEYS[1], score = when reassembly gives up, ms)
  ARGV[1] part number (1-based)
  ARGV[2] payload, hex
  ARGV[3] total parts
  ARGV[4] time to live of the parts, milliseconds (longer than the deadline, so the sweeper sees them)
  ARGV[5] deadline, ms

  Returns: {0, count}            not complete yet, count parts stored
           {1, p1, p2, ... pN}   complete, payloads in order
]]
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('ZADD', KEYS[2], 'NX', ARGV[5], KEYS[1])
local total = tonumber(ARGV[3])
local count = redis.call('HLEN', KEYS[1])
if count < total then
  return {0, count}
end
local out = {1}
for i = 1, total do
  local part = redis.call('HGET', KEYS[1], tostring(i))
  if not part then
    return {0, count}
  end
  out[#out + 1] = part
end
return out

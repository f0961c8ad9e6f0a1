--[[
  Stores one part of a concatenated MO (UDH or SAR TLVs) and reports whether all parts are present.
  The key is deleted by the caller only after the joined MO is durably enqueued, so a crash in
  between is repaired by the SMSC's redelivery of the unacknowledged last part. Before this script
  the caller (ReassemblyStore.storePart) enters the parts key in the reassembly deadlines (a sorted
  set in another hash slot, ZADD NX) that the gateway sweeps, so that a message whose other parts
  never come is logged and counted instead of vanishing with a TTL. That order means a part never
  exists without a deadline; a deadline without parts (a crash in between) is skipped by the sweep.

  KEYS[1] parts hash (field = part number, value = payload as hex)
  ARGV[1] part number (1-based)
  ARGV[2] payload, hex
  ARGV[3] total parts
  ARGV[4] time to live of the parts, milliseconds (longer than the deadline, so the sweeper sees them)

  Returns: {0, count}            not complete yet, count parts stored
           {1, p1, p2, ... pN}   complete, payloads in order
]]
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
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

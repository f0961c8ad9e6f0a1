--[[
  Commits one step of a USSD session of one msisdn: the session's new state (or its end) and the
  record of what this MO did, together, so that a retried job finds the record and re-sends the same
  screen instead of advancing the menu twice. Optimistic: the caller decided on a snapshot; if the
  session (or, for a dial, the msisdn's open-session pointer) changed since, nothing is written.
  A dial opens this session afresh and ends the msisdn's previously open session (one at a time).
  All keys carry the msisdn's hash tag.

  KEYS[1] this session (string, JSON, expires at the session's overall deadline)
  KEYS[2] step record of this MO (string)
  KEYS[3] open-session pointer of the msisdn (string → session key)
  KEYS[4] the session key the pointer named at load time (= KEYS[1] when it named none)

  ARGV[1] mode: 'open' (a dial) or 'update' (an answer or abort of this session)
  ARGV[2] update: expected version `v` of the session at KEYS[1]
  ARGV[3] open: the pointer value seen at load time ('' when none)
  ARGV[4] the session's new JSON, or '' when the session ends with this step
  ARGV[5] the session's deadline, ms since the epoch (session and pointer expire then)
  ARGV[6] step record JSON
  ARGV[7] step record TTL, seconds

  Returns: {'OK', replaced}   replaced = key of the open session this dial ended, or ''
           {'STEP', record}   this MO was committed before: its record, unchanged
           {'CONFLICT'}       the session or the pointer changed since load: load and decide again
]]
local prior = redis.call('GET', KEYS[2])
if prior then
  return {'STEP', prior}
end
local replaced = ''
if ARGV[1] == 'open' then
  local active = redis.call('GET', KEYS[3]) or ''
  if active ~= ARGV[3] then
    return {'CONFLICT'}
  end
  if active ~= '' and redis.call('DEL', KEYS[4]) == 1 then
    replaced = active
  end
  redis.call('DEL', KEYS[3])
else
  local current = redis.call('GET', KEYS[1])
  if not current or tostring(cjson.decode(current).v) ~= ARGV[2] then
    return {'CONFLICT'}
  end
end
if ARGV[4] == '' then
  redis.call('DEL', KEYS[1])
  if redis.call('GET', KEYS[3]) == KEYS[1] then
    redis.call('DEL', KEYS[3])
  end
else
  redis.call('SET', KEYS[1], ARGV[4])
  redis.call('PEXPIREAT', KEYS[1], ARGV[5])
  redis.call('SET', KEYS[3], KEYS[1])
  redis.call('PEXPIREAT', KEYS[3], ARGV[5])
end
redis.call('SET', KEYS[2], ARGV[6], 'EX', ARGV[7])
return {'OK', replaced}

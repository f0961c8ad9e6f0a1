--[[
  Appends one entry to the admin audit log (a stream, see src/store/audit.ts) under the next
  sequence number: entry ids are 1-0, 2-0, 3-0, … without gaps, so a missing number would show that
  an entry was removed. The number continues from the stream's last generated id, which Redis keeps
  even when entries are deleted, so no number is ever given twice. The time is Redis's own clock:
  one clock for every API process, so times never run backwards along the log. Never trims.

  KEYS[1] audit log stream

  ARGV[1] operator (the token's name)
  ARGV[2] role
  ARGV[3] action
  ARGV[4] target
  ARGV[5] request id
  ARGV[6] details, a JSON object

  Returns: {sequence number, at (ms since the epoch)}
]]
local n = 1
if redis.call('EXISTS', KEYS[1]) == 1 then
  local info = redis.call('XINFO', 'STREAM', KEYS[1])
  for i = 1, #info, 2 do
    if info[i] == 'last-generated-id' then
      n = tonumber(string.match(info[i + 1], '^(%d+)')) + 1
      break
    end
  end
end
local t = redis.call('TIME')
local at = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('XADD', KEYS[1], string.format('%d-0', n),
  'at', string.format('%d', at), 'operator', ARGV[1], 'role', ARGV[2], 'action', ARGV[3],
  'target', ARGV[4], 'requestId', ARGV[5], 'details', ARGV[6])
return {n, at}

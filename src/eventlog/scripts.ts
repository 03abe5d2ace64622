/**
 * The log's Lua scripts. Each runs atomically in Redis: an append gives the entry its position,
 * XADDs it and PUBLISHes it in one step, so nothing is published that is not logged.
 */

/** Milliseconds from Redis's own clock (scripts are replicated by effects, so TIME is allowed). */
const NOW_MS = `local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)`;

/**
 * The body both append scripts share: the log's epoch (`ensure_epoch` makes it with a candidate when
 * there is none), `append(...)`, which refuses a duplicate (returns 0) or gives the entry its position,
 * XADDs it and publishes it (returns the position), and `appending(body)`, which runs appends and then
 * writes back the head and the last seq of each run appended to — also when one of them fails, since
 * the entries XADDed before it stay in the stream. A call reads those once and writes them once
 * however many entries it appends: a batch of n costs n XADDs and PUBLISHes and a few other commands,
 * not 5n. An entry's time is Redis's clock unless `at` gives one (an imported entry's). A legacy
 * message's digest is recorded only once it is logged. KEYS: stream, meta, seqs, recent.
 */
const APPEND_ONE = `${NOW_MS}
local meta = redis.call('HMGET', KEYS[2], 'epoch', 'pos')
local epoch = meta[1]
local read_head = tonumber(meta[2] or '0')
local head = read_head
local last_seqs = {}
local changed_runs = {}
local function ensure_epoch(candidate)
  if not epoch then
    epoch = candidate
    redis.call('HSET', KEYS[2], 'epoch', epoch)
  end
end
local function append(channel, message, run, seq, pub, window, at)
  local time = now
  if at and at ~= '' then time = tonumber(at) end
  if time == nil or time ~= time then error({err = 'ERR entry time is not a number'}) end
  local digest
  if run ~= '' then
    local n = tonumber(seq)
    local last = last_seqs[run]
    if last == nil then
      last = tonumber(redis.call('HGET', KEYS[3], run) or '0')
      last_seqs[run] = last
    end
    if n == nil or n <= last then return 0 end
  else
    digest = redis.sha1hex(channel .. '\\n' .. message)
    redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', time - tonumber(window))
    if redis.call('ZSCORE', KEYS[4], digest) then return 0 end
  end
  redis.call('XADD', KEYS[1], (head + 1) .. '-0', 'channel', channel, 'message', message, 'time', time)
  head = head + 1
  if digest then
    redis.call('ZADD', KEYS[4], time, digest)
  else
    last_seqs[run] = tonumber(seq)
    changed_runs[run] = seq
  end
  if pub ~= '' then redis.call('PUBLISH', pub, message) end
  return head
end
local function appending(body)
  local ok, failure = pcall(body)
  if head ~= read_head then redis.call('HSET', KEYS[2], 'pos', head) end
  for run, seq in pairs(changed_runs) do redis.call('HSET', KEYS[3], run, seq) end
  if not ok then error(failure) end
end`;

/**
 * Append one message. KEYS: stream, meta, seqs, recent.
 * ARGV: channel, message, run (`<agent>:<run>`, empty for a legacy message), seq, pub/sub channel to
 * publish on (empty: do not publish), epoch to create the log with, legacy dedup window (ms), and
 * optionally the entry's time in ms (an imported entry's; empty or absent: Redis's clock).
 * Returns `{pos, epoch}`; pos 0 when refused as a duplicate.
 */
export const APPEND_SCRIPT = `${APPEND_ONE}
ensure_epoch(ARGV[6])
local pos = 0
appending(function() pos = append(ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[7], ARGV[8]) end)
return {pos, epoch}`;

/**
 * Append many messages in one call (what one EVALSHA costs is paid once). KEYS as for one.
 * ARGV: epoch to create the log with, dedup window (ms), then six per message: channel, message,
 * run, seq, pub/sub channel, time (empty: Redis's clock). Returns `{epoch, pos1, pos2, …}`; 0 for a
 * refused duplicate. A message that fails (a time that is no number) fails the call; those before
 * it stay appended.
 */
export const APPEND_BATCH_SCRIPT = `${APPEND_ONE}
ensure_epoch(ARGV[1])
local out = {epoch}
appending(function()
  for i = 3, #ARGV, 6 do
    out[#out + 1] = append(ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[2], ARGV[i + 5])
  end
end)
return out`;

/**
 * Bounds. KEYS: stream, meta. ARGV: epoch to create the log with.
 * Returns `{epoch, head, first}`: first is head + 1 when the stream holds nothing.
 */
export const BOUNDS_SCRIPT = `redis.call('HSETNX', KEYS[2], 'epoch', ARGV[1])
local meta = redis.call('HMGET', KEYS[2], 'epoch', 'pos')
local head = tonumber(meta[2] or '0')
local oldest = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
local first = head + 1
if #oldest > 0 then first = tonumber(string.match(oldest[1][1], '^(%d+)')) end
return {meta[1], head, first}`;

/**
 * Save a checkpoint unless one of the same epoch at or past its position is there, and record it as a
 * hold on trimming. KEYS: checkpoint, holds. ARGV: epoch, pos, data, schema, hold (ms).
 */
export const SAVE_CHECKPOINT_SCRIPT = `${NOW_MS}
local current = redis.call('HMGET', KEYS[1], 'epoch', 'pos')
if current[1] == ARGV[1] and tonumber(current[2]) >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'epoch', ARGV[1], 'pos', ARGV[2], 'data', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('HSET', KEYS[2], ARGV[4], ARGV[2] .. ':' .. ARGV[1] .. ':' .. now)
return 1`;

/**
 * Trim: drop entries at or below min(head − max entries, every fresh checkpoint of this epoch).
 * KEYS: stream, meta, holds. ARGV: max entries, hold (ms). Stale holds are forgotten.
 */
export const TRIM_SCRIPT = `${NOW_MS}
local meta = redis.call('HMGET', KEYS[2], 'epoch', 'pos')
if not meta[1] then return 0 end
local upto = tonumber(meta[2] or '0') - tonumber(ARGV[1])
local holds = redis.call('HGETALL', KEYS[3])
for i = 1, #holds, 2 do
  local pos, epoch, at = string.match(holds[i + 1], '^(%d+):([^:]+):(%d+)$')
  if pos and epoch == meta[1] and now - tonumber(at) <= tonumber(ARGV[2]) then
    upto = math.min(upto, tonumber(pos))
  else
    redis.call('HDEL', KEYS[3], holds[i])
  end
end
if upto <= 0 then return 0 end
return redis.call('XTRIM', KEYS[1], 'MINID', '~', (upto + 1) .. '-0')`;

/**
 * Renew the epoch when the log went back (Redis restarted from a persistence file older than what was
 * read: positions would be given again to other entries). KEYS: meta. ARGV: the epoch the caller
 * followed, the new one. Replaces it only if it is still the one followed; returns the epoch now.
 */
export const RENEW_EPOCH_SCRIPT = `local epoch = redis.call('HGET', KEYS[1], 'epoch')
if epoch == ARGV[1] then
  redis.call('HSET', KEYS[1], 'epoch', ARGV[2])
  return ARGV[2]
end
return epoch or ''`;

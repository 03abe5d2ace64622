/**
 * The log's Lua scripts. Each runs atomically in Redis: an append gives the entry its position,
 * XADDs it and PUBLISHes it in one step, so nothing is published that is not logged.
 */

/** Milliseconds from Redis's own clock (scripts are replicated by effects, so TIME is allowed). */
const NOW_MS = `local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)`;

/**
 * Append. KEYS: stream, meta, seqs, recent.
 * ARGV: channel, message, run (`<agent>:<run>`, empty for a legacy message), seq, pub/sub channel to
 * publish on (empty: do not publish), epoch to create the log with, legacy dedup window (ms), and
 * optionally the entry's time in ms (an imported entry's; empty or absent: Redis's clock).
 * Returns `{pos, epoch}`; pos 0 when refused as a duplicate.
 */
export const APPEND_SCRIPT = `${NOW_MS}
if ARGV[8] and ARGV[8] ~= '' then now = tonumber(ARGV[8]) end
local epoch = redis.call('HGET', KEYS[2], 'epoch')
if not epoch then
  epoch = ARGV[6]
  redis.call('HSET', KEYS[2], 'epoch', epoch)
end
if ARGV[3] ~= '' then
  local seq = tonumber(ARGV[4])
  local last = tonumber(redis.call('HGET', KEYS[3], ARGV[3]) or '0')
  if seq == nil or seq <= last then return {0, epoch} end
  redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
else
  local digest = redis.sha1hex(ARGV[1] .. '\\n' .. ARGV[2])
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - tonumber(ARGV[7]))
  if redis.call('ZSCORE', KEYS[4], digest) then return {0, epoch} end
  redis.call('ZADD', KEYS[4], now, digest)
end
local pos = redis.call('HINCRBY', KEYS[2], 'pos', 1)
redis.call('XADD', KEYS[1], pos .. '-0', 'channel', ARGV[1], 'message', ARGV[2], 'time', now)
if ARGV[5] ~= '' then redis.call('PUBLISH', ARGV[5], ARGV[2]) end
return {pos, epoch}`;

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

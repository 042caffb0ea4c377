import { LuaScript } from './lua-script';

/**
 * Checks several limits of one request atomically and consumes from all of them only if every one
 * allows it, so a request refused by one limit costs nothing from the others. The clock is Redis's
 * own (TIME), so every gateway replica agrees on it.
 *
 * First, optionally, a credential's revocation: ARGV[1] = r, KEYS[1..r] = its denylist keys (auth
 * sets one when it revokes); if any exists the script returns { REVOKED } and touches no limit.
 * Then KEYS[r + i]: one limit each, with four values each in ARGV (from ARGV[2]):
 *   'b' (token bucket):        capacity, refill tokens per ms, cost of this request
 *   'w' (sliding window log):  limit, window ms, a unique member for this request
 * Returns { allowed (1|0), then per limit: remaining, ms until reset, ms until retry (0 if not refusing) }.
 */
export const REVOKED = -1;

export const THROTTLE_SCRIPT = new LuaScript(`
local r = tonumber(ARGV[1])
for i = 1, r do
  if redis.call('EXISTS', KEYS[i]) == 1 then return { ${REVOKED} } end
end
local n = #KEYS - r
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local allowed = 1
local seen = {}
for i = 1, n do
  local k = KEYS[r + i]
  local o = (i - 1) * 4 + 1
  local a = tonumber(ARGV[o + 2])
  local b = tonumber(ARGV[o + 3])
  if ARGV[o + 1] == 'b' then
    local saved = redis.call('HMGET', k, 'tokens', 'ts')
    local tokens = tonumber(saved[1]) or a
    local ts = tonumber(saved[2]) or now
    tokens = math.min(a, tokens + math.max(0, now - ts) * b)
    seen[i] = tokens
    if tokens < tonumber(ARGV[o + 4]) then allowed = 0 end
  else
    redis.call('ZREMRANGEBYSCORE', k, '-inf', now - b)
    local count = redis.call('ZCARD', k)
    seen[i] = count
    if count >= a then allowed = 0 end
  end
end
local out = { allowed }
for i = 1, n do
  local k = KEYS[r + i]
  local o = (i - 1) * 4 + 1
  local a = tonumber(ARGV[o + 2])
  local b = tonumber(ARGV[o + 3])
  if ARGV[o + 1] == 'b' then
    local cost = tonumber(ARGV[o + 4])
    local tokens = seen[i]
    local retry = 0
    if tokens < cost then retry = math.ceil((cost - tokens) / b) end
    if allowed == 1 then tokens = tokens - cost end
    local full = math.ceil((a - tokens) / b)
    redis.call('HSET', k, 'tokens', tostring(tokens), 'ts', now)
    redis.call('PEXPIRE', k, full + 1000)
    out[#out + 1] = math.floor(tokens)
    out[#out + 1] = full
    out[#out + 1] = retry
  else
    local count = seen[i]
    if allowed == 1 then
      redis.call('ZADD', k, now, ARGV[o + 4])
      redis.call('PEXPIRE', k, b)
      count = count + 1
    end
    local reset = b
    local oldest = redis.call('ZRANGE', k, 0, 0, 'WITHSCORES')
    if oldest[2] then reset = tonumber(oldest[2]) + b - now end
    local retry = 0
    if count >= a and allowed == 0 then
      local entry = redis.call('ZRANGE', k, count - a, count - a, 'WITHSCORES')
      if entry[2] then retry = tonumber(entry[2]) + b - now end
    end
    out[#out + 1] = math.max(0, a - count)
    out[#out + 1] = reset
    out[#out + 1] = retry
  end
end
return out
`);

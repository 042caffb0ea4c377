import { LuaScript } from './lua-script';

/**
 * Admits one attempt of a subject (a login for an IP+email...), atomically: attempts are counted when
 * they start, not when they fail, so a thousand concurrent guesses cannot all slip in before the
 * first failure is recorded. The attempt that reaches the maximum turns the window into a lockout.
 *
 * KEYS[1]: the attempts counter. ARGV: max attempts, window ms, lockout ms.
 * Returns { admitted (1|0), attempts left, ms until the counter expires }.
 */
export const ATTEMPT_SCRIPT = new LuaScript(`
local max = tonumber(ARGV[1])
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= max then
  return { 0, 0, redis.call('PTTL', KEYS[1]) }
end
n = redis.call('INCR', KEYS[1])
if n >= max then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
elseif n == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return { 1, max - n, redis.call('PTTL', KEYS[1]) }
`);

/** Gives one attempt back (never creating the key, nor leaving it at zero without a reason to exist). */
export const REFUND_SCRIPT = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 and redis.call('DECR', KEYS[1]) <= 0 then
  redis.call('DEL', KEYS[1])
end
return 1
`);

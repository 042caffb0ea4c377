import { LuaScript } from './lua-script';

/**
 * Budgets of password guesses for one account (see LoginGuard). Each budget is a hash
 * { n: attempts counted, next: earliest ms of the next attempt, prev: `next` before the last one }.
 * The first `free` attempts pass at once; each attempt from the `free`-th on makes the next one wait
 * base × 2^(n − free) ms, at most `max`. A budget left alone for `window` ms after its delay ended
 * forgets its attempts. Attempts are counted when they start, so concurrent guesses cannot slip
 * past the budget before the first failure is known.
 *
 * Who is judged by which budget:
 * - a known device (KEYS[4] exists: it signed in to this account before): its own budget, KEYS[3];
 * - a known address (KEYS[5] exists: a sign-in succeeded from it): the address's budget, KEYS[2];
 * - anyone else: the address's budget AND the account's budget shared by all strangers, KEYS[1].
 *
 * KEYS: 1 account, 2 address, 3 device, 4 known-device marker, 5 known-address marker.
 * ARGV: now ms (0 = Redis TIME, which every gateway replica agrees on), free per account, free per
 *       client, base delay ms, max delay ms, window ms.
 * Returns { admitted (1|0), judge (0 stranger, 1 known address, 2 known device), ms to wait, the
 *           refusing budget's free attempts }.
 */
export const LOGIN_ADMIT_SCRIPT = new LuaScript(`
local now = tonumber(ARGV[1])
if now == 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local base, cap, window = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local judge, budgets
if redis.call('EXISTS', KEYS[4]) == 1 then
  judge = 2
  budgets = { { KEYS[3], tonumber(ARGV[3]) } }
elseif redis.call('EXISTS', KEYS[5]) == 1 then
  judge = 1
  budgets = { { KEYS[2], tonumber(ARGV[3]) } }
else
  judge = 0
  budgets = { { KEYS[2], tonumber(ARGV[3]) }, { KEYS[1], tonumber(ARGV[2]) } }
end
local seen = {}
local wait, refusedFree = 0, 0
for i, b in ipairs(budgets) do
  local saved = redis.call('HMGET', b[1], 'n', 'next')
  local n, nextAt = tonumber(saved[1]) or 0, tonumber(saved[2]) or 0
  if now >= nextAt + window then n = 0 end
  seen[i] = { n, nextAt }
  if nextAt - now > wait then
    wait = nextAt - now
    refusedFree = b[2]
  end
end
if wait > 0 then return { 0, judge, wait, refusedFree } end
for i, b in ipairs(budgets) do
  local n = seen[i][1] + 1
  local delay = 0
  if n >= b[2] then delay = math.min(base * 2 ^ (n - b[2]), cap) end
  redis.call('HSET', b[1], 'n', n, 'next', now + delay, 'prev', seen[i][2])
  redis.call('PEXPIRE', b[1], math.floor(delay + window))
end
return { 1, judge, 0, 0 }
`);

/**
 * A correct password: the judging client budget forgets its attempts; a stranger's attempt is given
 * back to the account's budget (a success is not a failure) without lifting the delay strangers
 * face; the device and the address become known for this account.
 *
 * KEYS: 1 account, 2 address, 3 device, 4 known-device marker of the token handed out,
 *       5 known-address marker. ARGV: judge (as returned by LOGIN_ADMIT_SCRIPT), known-client ttl ms.
 */
export const LOGIN_SUCCEEDED_SCRIPT = new LuaScript(`
local judge = tonumber(ARGV[1])
if judge == 2 then redis.call('DEL', KEYS[3]) else redis.call('DEL', KEYS[2]) end
if judge == 0 then
  local n = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
  if n > 0 then redis.call('HSET', KEYS[1], 'n', n - 1) end
end
redis.call('SET', KEYS[4], '1', 'PX', ARGV[2])
redis.call('SET', KEYS[5], '1', 'PX', ARGV[2])
return 1
`);

/**
 * An attempt the auth service never judged (it failed or timed out): each budget it was counted in
 * gets it back, with the delay it had before. KEYS: those budgets.
 */
export const LOGIN_REFUND_SCRIPT = new LuaScript(`
for i = 1, #KEYS do
  local saved = redis.call('HMGET', KEYS[i], 'n', 'prev')
  local n = tonumber(saved[1])
  if n and n > 0 then redis.call('HSET', KEYS[i], 'n', n - 1, 'next', tonumber(saved[2]) or 0) end
end
return 1
`);

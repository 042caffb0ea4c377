import { LuaScript } from '../../throttling/scripts/lua-script';

/**
 * The open sockets of one organization on one route: a sorted set of connection ids scored by the
 * time (Redis TIME, ms) their lease ends. Leases past their end are dropped first, so the sockets of
 * a gateway pod that died (and stopped renewing) stop counting on their own.
 *
 * KEYS: 1 the set. ARGV: connection id, limit, lease ms.
 * Returns { admitted (1|0), open connections after the decision }.
 */
export const ACQUIRE_LEASE_SCRIPT = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, lease = tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local open = redis.call('ZCARD', KEYS[1])
if open >= limit then return {0, open} end
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
redis.call('PEXPIRE', KEYS[1], lease)
return {1, open + 1}
`);

/**
 * Extends a live socket's lease (only if it still holds one: a lease that lapsed while Redis was away
 * is re-added, since the socket is demonstrably still open). KEYS: 1 the set. ARGV: id, lease ms.
 */
export const RENEW_LEASE_SCRIPT = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
if redis.call('PTTL', KEYS[1]) < lease then redis.call('PEXPIRE', KEYS[1], lease) end
return 1
`);

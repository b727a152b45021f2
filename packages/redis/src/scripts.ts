/**
 * Lua run atomically by Redis. Token records are hashes: `v` the sealed token, `e` its expiry
 * (epoch ms), `h` a digest of the access token (for compare-and-delete without decrypting).
 */

/** Writes only a newer token: a slow, stale holder can never overwrite a fresher one. */
export const SET_IF_NEWER = `
local current = redis.call('HGET', KEYS[1], 'e')
if current and tonumber(current) >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'e', ARGV[2], 'h', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`;

/** Deletes the token, but only if it is still the one given (an empty digest: unconditionally). */
export const DELETE_IF = `
if ARGV[1] == '' or redis.call('HGET', KEYS[1], 'h') == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** Releases the lock only for its owner. */
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Extends the lock only for its owner. */
export const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/**
 * Lua run atomically by Redis. Token records are hashes: `v` the sealed token, `e` its expiry
 * (epoch ms), `h` a digest of the access token (for compare-and-delete without decrypting).
 */

/**
 * Writes only a newer token: a slow, stale holder can never overwrite a fresher one. A record whose
 * expiry lies past the longest lifetime (ARGV[5]: now + maxLifetimeMs) or that has no TTL was not
 * written by a store: it is overwritten, so nobody with write access can pin a record forever.
 */
export const SET_IF_NEWER = `
local current = redis.call('HGET', KEYS[1], 'e')
if current and tonumber(current) and tonumber(current) >= tonumber(ARGV[2])
  and tonumber(current) <= tonumber(ARGV[5]) and redis.call('PTTL', KEYS[1]) > 0 then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'e', ARGV[2], 'h', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`;

/** Deletes a record only if it still holds the sealed value read (one that failed its checks). */
export const DELETE_IF_SEALED = `
if redis.call('HGET', KEYS[1], 'v') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

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

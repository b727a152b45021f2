/**
 * SHA-256 and HMAC-SHA-256 (FIPS 180-4, RFC 2104), synchronous, on UTF-8 text. Web Crypto's digest
 * is asynchronous, and the cache key is a plain property read at creation: it must not wait. Used
 * only for identifiers (the cache key, shared-store keys, failure fingerprints), never for
 * encryption; the inputs are short, so speed does not matter and size does (it is on every path).
 */

/** The first 32 bits of the fractional parts of the square (H) and cube (K) roots of the first primes. */
const PRIMES: number[] = [];
for (let n = 2; PRIMES.length < 64; n++) if (PRIMES.every((p) => n % p > 0)) PRIMES.push(n);
const fraction = (x: number) => ((x - Math.floor(x)) * 2 ** 32) | 0;
const K = PRIMES.map((p) => fraction(Math.cbrt(p)));
const H = PRIMES.slice(0, 8).map((p) => fraction(Math.sqrt(p)));

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

/** SHA-256 of `bytes`, as eight 32-bit words. */
function sha256(bytes: Uint8Array): number[] {
  const length = bytes.length;
  // Big-endian words, the 0x80 terminator, zero padding, and the bit length in the last two words.
  const words: number[] = Array((((length + 8) >> 6) + 1) * 16).fill(0);
  for (let i = 0; i < length; i++) words[i >> 2]! |= bytes[i]! << (24 - (i % 4) * 8);
  words[length >> 2]! |= 0x80 << (24 - (length % 4) * 8);
  words[words.length - 2] = (length / 2 ** 29) | 0;
  words[words.length - 1] = length << 3;
  const h = [...H];
  const w: number[] = [];
  for (let block = 0; block < words.length; block += 16) {
    const v = [...h];
    for (let i = 0; i < 64; i++) {
      if (i < 16) w[i] = words[block + i]!;
      else {
        const x = w[i - 15]!;
        const y = w[i - 2]!;
        w[i] =
          (w[i - 16]! +
            (rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3)) +
            w[i - 7]! +
            (rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10))) |
          0;
      }
      const [a, b, c, d, e, f, g, k] = v as [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      const t1 =
        k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i]! + w[i]!;
      const t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      v.unshift((t1 + t2) | 0);
      v.pop();
      v[4] = (d + t1) | 0;
    }
    for (let i = 0; i < 8; i++) h[i] = (h[i]! + v[i]!) | 0;
  }
  return h;
}

const encode = (text: string) => new TextEncoder().encode(text);
const hex = (words: number[]) =>
  words.map((word) => (word >>> 0).toString(16).padStart(8, "0")).join("");
const toBytes = (words: number[]) =>
  words.flatMap((word) => [word >>> 24, (word >>> 16) & 255, (word >>> 8) & 255, word & 255]);

/** SHA-256 of UTF-8 `text`, lower-case hex. */
export function sha256Hex(text: string): string {
  return hex(sha256(encode(text)));
}

/** HMAC-SHA-256 of UTF-8 `text` under the UTF-8 `key`, lower-case hex (RFC 2104). */
export function hmacSha256Hex(key: string, text: string): string {
  let block = [...encode(key)];
  if (block.length > 64) block = toBytes(sha256(Uint8Array.from(block)));
  const pad = (byte: number) => Array.from({ length: 64 }, (_, i) => (block[i] ?? 0) ^ byte);
  const inner = sha256(Uint8Array.from([...pad(0x36), ...encode(text)]));
  return hex(sha256(Uint8Array.from([...pad(0x5c), ...toBytes(inner)])));
}

import {
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  verify,
} from "node:crypto";
import type { ExchangeData } from "./types.js";

type Assertion = NonNullable<ExchangeData["assertion"]>;

/** A fresh demo key for the assertion's algorithm, as a PKCS#8 PEM (what the client is given). */
export function demoAssertionKey(alg: Assertion["alg"]): string {
  const { privateKey } =
    alg === "ES256"
      ? generateKeyPairSync("ec", { namedCurve: "prime256v1" })
      : generateKeyPairSync("rsa", { modulusLength: 2048 });
  return privateKey.export({ type: "pkcs8", format: "pem" }) as string;
}

/** The public half of a private key the client holds (PEM or JWK); undefined when it is neither. */
export function publicKeyOf(privateKey: string): KeyObject | undefined {
  try {
    const text = privateKey.trim();
    const key = text.startsWith("{")
      ? createPrivateKey({
          key: JSON.parse(text) as import("node:crypto").JsonWebKey,
          format: "jwk",
        })
      : createPrivateKey(text);
    return createPublicKey(key);
  } catch {
    return undefined;
  }
}

/** The JWT is the access token the client minted itself (there is no token endpoint). */
export const minted = (assertion: Assertion | undefined): boolean => assertion?.use === "token";

const decode = (part: string): unknown =>
  JSON.parse(Buffer.from(part, "base64url").toString("utf8"));

/**
 * Checks a client's signed JWT as an RFC 7523 server does, with node:crypto (not the client's
 * Web Crypto code): the algorithm and `kid` the spec names, the signature, `aud` (the token URL
 * or the spec's), `exp` not past and no longer than the spec's lifetime after `iat`, a `jti`
 * never seen before, and every claim the spec fixes or builds. Returns why it fails, or undefined.
 */
export function verifyAssertion(
  jwt: string | undefined,
  check: {
    readonly assertion: Assertion;
    readonly publicKey: KeyObject | undefined;
    /** Claims (and `kid` as `header:kid`) the client must have built, by name. */
    readonly expected: Readonly<Record<string, unknown>>;
    readonly tokenUrl: string;
    readonly nowSeconds: number;
    readonly seen: Set<string>;
  },
): string | undefined {
  const { assertion, publicKey, expected, tokenUrl, nowSeconds, seen } = check;
  const parts = (jwt ?? "").split(".");
  if (parts.length !== 3 || publicKey === undefined) return "malformed assertion";
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = decode(parts[0]!) as Record<string, unknown>;
    claims = decode(parts[1]!) as Record<string, unknown>;
  } catch {
    return "malformed assertion";
  }
  if (header.alg !== assertion.alg) return "wrong alg";
  const kid = expected["header:kid"] ?? assertion.kid;
  if (kid !== undefined && header.kid !== kid) return "wrong kid";
  const signature = Buffer.from(parts[2]!, "base64url");
  const data = Buffer.from(`${parts[0]}.${parts[1]}`);
  const valid =
    assertion.alg === "ES256"
      ? verify("sha256", data, { key: publicKey, dsaEncoding: "ieee-p1363" }, signature)
      : verify(
          "sha256",
          data,
          assertion.alg === "PS256"
            ? { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
            : publicKey,
          signature,
        );
  if (!valid) return "bad signature";
  // A minted token has no token URL: its audience is checked only where the spec names one.
  const aud =
    assertion.claims.aud ?? expected["claim:aud"] ?? (minted(assertion) ? undefined : tokenUrl);
  if (
    aud !== undefined &&
    claims.aud !== aud &&
    !(Array.isArray(claims.aud) && claims.aud.includes(aud))
  )
    return "wrong aud";
  if (typeof claims.exp !== "number" || typeof claims.iat !== "number") return "no exp or iat";
  // A client clock ahead of this one is how the tests move time forward; a past exp is refused.
  if (claims.exp <= nowSeconds - 60) return "expired";
  if (claims.exp - claims.iat > assertion.lifetimeSeconds) return "lives too long";
  // An assertion is used once; a minted token is the access token, presented on every call.
  if (typeof claims.jti !== "string" || (!minted(assertion) && seen.has(claims.jti)))
    return "replayed jti";
  for (const [name, value] of Object.entries(assertion.claims))
    if (name !== "aud" && claims[name] !== value) return `wrong ${name}`;
  for (const [name, value] of Object.entries(expected))
    if (name.startsWith("claim:") && name !== "claim:aud" && claims[name.slice(6)] !== value)
      return `wrong ${name.slice(6)}`;
  if (minted(assertion)) return undefined;
  seen.add(claims.jti);
  // Bounded: the oldest ids go first (a Set iterates in insertion order).
  if (seen.size > 10_000) seen.delete(seen.values().next().value!);
  return undefined;
}

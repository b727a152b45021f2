import { AuthError, AuthErrorCode } from "../contract/errors.js";
import type { AssertionDefinition, RequestStep } from "../contract/exchange.js";
import { base64, pemBytes } from "../secrets/encoding.js";
import type { TokenRequestSender } from "./request.js";

/** RFC 7523 §2.2: the `client_assertion_type` of a JWT client assertion. */
const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** Web Crypto parameters per JWS algorithm (RFC 7518 §3): to import the key, and to sign. */
const ALGORITHMS: Record<
  AssertionDefinition["alg"],
  {
    key: RsaHashedImportParams | EcKeyImportParams;
    sign: AlgorithmIdentifier | RsaPssParams | EcdsaParams;
  }
> = {
  RS256: {
    key: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    sign: "RSASSA-PKCS1-v1_5",
  },
  PS256: { key: { name: "RSA-PSS", hash: "SHA-256" }, sign: { name: "RSA-PSS", saltLength: 32 } },
  // Web Crypto's ECDSA signature is r ‖ s (IEEE P1363): exactly what JWS wants.
  ES256: { key: { name: "ECDSA", namedCurve: "P-256" }, sign: { name: "ECDSA", hash: "SHA-256" } },
};

const encoder = new TextEncoder();

/** base64url without padding (RFC 7515 §2). */
const base64url = (bytes: Uint8Array) =>
  base64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const encodeJson = (value: unknown) => base64url(encoder.encode(JSON.stringify(value)));

/**
 * Imports the signing key: a PKCS#8 PEM (`BEGIN PRIVATE KEY`) or a private JWK. The error names
 * the option and the forms it takes, never the key.
 */
async function importKey(
  text: string,
  name: string,
  alg: AssertionDefinition["alg"],
): Promise<CryptoKey> {
  const problem = (hint: string) =>
    new AuthError(
      AuthErrorCode.InvalidOptions,
      `${name} is not a ${alg} private key: pass a PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----") or a private JWK${hint}`,
    );
  const trimmed = text.trim();
  if (/^-----BEGIN (RSA|EC) PRIVATE KEY-----/.test(trimmed))
    throw problem(
      " (this PEM is PKCS#1 or SEC1: convert it with `openssl pkcs8 -topk8 -nocrypt -in key.pem`)",
    );
  try {
    if (trimmed.startsWith("{")) {
      const jwk = JSON.parse(trimmed) as JsonWebKey;
      return await crypto.subtle.importKey("jwk", jwk, ALGORITHMS[alg].key, false, ["sign"]);
    }
    const der = pemBytes(trimmed, "PRIVATE KEY");
    if (!der) throw new Error();
    return await crypto.subtle.importKey("pkcs8", der, ALGORITHMS[alg].key, false, ["sign"]);
  } catch {
    throw problem("");
  }
}

/**
 * Signs the assertion a request carries (RFC 7523) and puts it where the spec says: the
 * `client_assertion` of client authentication on every request, or the `assertion` of the
 * JWT-bearer grant on the primary grant. A fresh JWT each time: `jti` random, `iat` and `exp` from
 * the injected clock, `aud` the token URL unless the spec names one.
 */
export const signAssertion: RequestStep = async (request, { exchange, credentials, now }) => {
  const assertion = exchange.assertion!;
  const value = (name: string) => {
    const index = exchange.credentials.findIndex((c) => c.name === name);
    return index < 0 ? undefined : credentials[index];
  };
  const form = { ...request.form };
  const grantField = exchange.grantField ?? "grant_type";
  // The grant's assertion goes with the primary grant only; a refresh carries a refresh token.
  if (assertion.use === "grant" && form[grantField] !== exchange.grant) return request;
  const key = await importKey(value(assertion.key) ?? "", assertion.key, assertion.alg);
  const claims: Record<string, unknown> = {
    // A minted token has no token URL to be addressed to: its audience is the spec's, if any.
    aud: assertion.use === "token" ? undefined : request.url.split("?")[0],
    ...assertion.claims,
  };
  for (const credential of exchange.credentials)
    if (credential.name.startsWith("claim:"))
      claims[credential.name.slice(6)] = value(credential.name);
  const iat = Math.floor(now / 1000);
  claims.iat = iat;
  claims.exp = iat + assertion.lifetimeSeconds;
  claims.jti = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const kid = value("header:kid") ?? assertion.kid;
  const input = `${encodeJson({ alg: assertion.alg, typ: "JWT", ...(kid ? { kid } : {}) })}.${encodeJson(claims)}`;
  const signature = await crypto.subtle.sign(
    ALGORITHMS[assertion.alg].sign,
    key,
    encoder.encode(input),
  );
  const jwt = `${input}.${base64url(new Uint8Array(signature))}`;
  if (assertion.use === "grant") form.assertion = jwt;
  else if (assertion.use === "token") form.token = jwt;
  else {
    form.client_assertion_type = CLIENT_ASSERTION_TYPE;
    form.client_assertion = jwt;
  }
  const headers = request.form
    ? request.headers
    : { ...request.headers, "content-type": "application/x-www-form-urlencoded" };
  return { ...request, headers, form };
};

/**
 * The sender of a provider whose token is a JWT the client signs itself (`assertion.use: token`):
 * nothing is sent anywhere; the token `signAssertion` minted is answered as `{ "token": … }`, and
 * read, cached and renewed before its `exp` like any token.
 */
export const mintToken: TokenRequestSender = async (request) =>
  new Response(JSON.stringify({ token: request.form?.token }), {
    headers: { "content-type": "application/json" },
  });

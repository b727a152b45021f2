// A signed client assertion (RFC 7523) made by the packed @auth/core in whatever runtime imports
// this: Web Crypto generates an ES256 key (the client gets it as a PKCS#8 PEM), the manager signs
// `client_assertion` through an in-memory token endpoint, and the runtime's own Web Crypto
// verifies the JWT with the public key and reads its claims. Resolves, or throws why not.
import { createTokenManager } from "@auth/core";
import { signAssertion } from "@auth/core/provider";

const b64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const fromB64url = (text) =>
  Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

export async function checkSignedAssertion() {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ]);
  const der = b64url(await crypto.subtle.exportKey("pkcs8", pair.privateKey))
    .replace(/-/g, "+")
    .replace(/_/g, "/");
  const pem = `-----BEGIN PRIVATE KEY-----\n${der.match(/.{1,64}/g).join("\n")}\n-----END PRIVATE KEY-----\n`;
  const sent = [];
  const auth = createTokenManager({
    exchange: {
      provider: "bank",
      tokenPath: "/token",
      credentials: [
        { name: "clientId", secret: false, required: true, in: "body", field: "client_id" },
        { name: "privateKey", secret: true, required: true, in: "none" },
      ],
      grant: "client_credentials",
      response: { accessToken: "access_token" },
      assertion: {
        use: "client-auth",
        alg: "ES256",
        key: "privateKey",
        claims: { iss: "client-1", sub: "client-1" },
        lifetimeSeconds: 60,
      },
      prepare: signAssertion,
    },
    credentials: { clientId: "client-1", privateKey: pem },
    baseUrl: "https://bank.example.test",
    fetch: async (_url, init) => {
      sent.push(new URLSearchParams(String(init.body)));
      return Response.json({ access_token: "t", expires_in: 60 });
    },
  });
  await auth.getToken();
  await auth.close();
  const form = sent[0];
  const jwt = form?.get("client_assertion");
  if (
    form?.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
  )
    throw new Error("no client_assertion_type");
  const [header, payload, signature] = String(jwt).split(".");
  const valid = await crypto.subtle.verify(
    { name: "ECDSA", hash: "SHA-256" },
    pair.publicKey,
    fromB64url(signature),
    new TextEncoder().encode(`${header}.${payload}`),
  );
  if (!valid) throw new Error("the signature does not verify");
  const claims = JSON.parse(new TextDecoder().decode(fromB64url(payload)));
  if (claims.iss !== "client-1" || claims.aud !== "https://bank.example.test/token")
    throw new Error(`unexpected claims ${JSON.stringify(claims)}`);
  if (claims.exp - claims.iat !== 60 || typeof claims.jti !== "string")
    throw new Error("bad exp, iat or jti");
}

import { constants, generateKeyPairSync, verify, type KeyObject } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { AssertionDefinition, TokenExchange } from "../contract/exchange.js";
import { createTokenManager } from "../engine/manager.js";
import { startServer } from "../test-support/http-server.js";
import { mintToken, signAssertion } from "./assertion.js";

// A bank's token endpoint written by hand from RFC 7523: it verifies each JWT with node:crypto
// (OpenSSL's verifier, not the Web Crypto code that signs), on 127.0.0.1.
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const part = (text: string) =>
  JSON.parse(Buffer.from(text, "base64url").toString()) as Record<string, unknown>;

function checkJwt(jwt: string, alg: AssertionDefinition["alg"], key: KeyObject) {
  const [header, payload, signature] = jwt.split(".") as [string, string, string];
  const data = Buffer.from(`${header}.${payload}`);
  const raw = Buffer.from(signature, "base64url");
  const ok =
    alg === "ES256"
      ? verify("sha256", data, { key, dsaEncoding: "ieee-p1363" }, raw)
      : verify(
          "sha256",
          data,
          alg === "PS256" ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : key,
          raw,
        );
  return { ok, header: part(header), claims: part(payload) };
}

function keyPair(alg: AssertionDefinition["alg"]) {
  const { privateKey, publicKey } =
    alg === "ES256"
      ? generateKeyPairSync("ec", { namedCurve: "prime256v1" })
      : generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    pem: privateKey.export({ type: "pkcs8", format: "pem" }) as string,
    jwk: JSON.stringify(privateKey.export({ format: "jwk" })),
    publicKey,
  };
}

function bankExchange(assertion: Omit<AssertionDefinition, "key">): TokenExchange {
  return {
    provider: "bank",
    tokenPath: "/oauth/token",
    credentials: [
      { name: "clientId", secret: false, required: true, in: "body", field: "client_id" },
      { name: "privateKey", secret: true, required: true, in: "none" },
    ],
    grant:
      assertion.use === "grant"
        ? "urn:ietf:params:oauth:grant-type:jwt-bearer"
        : "client_credentials",
    refreshGrant: "refresh_token",
    response: { accessToken: "access_token", refreshToken: "refresh_token" },
    expiry: { field: "expires_in", kind: "relative-seconds" },
    assertion: { ...assertion, key: "privateKey" },
    prepare: signAssertion,
  };
}

describe("signAssertion against a hand-written RFC 7523 server", () => {
  it.each([
    ["RS256", "pem"],
    ["PS256", "jwk"],
    ["ES256", "pem"],
    ["ES256", "jwk"],
  ] as const)(
    "%s with a %s key: client_assertion on the primary grant and on refresh",
    async (alg, form) => {
      const keys = keyPair(alg);
      const seen: Record<string, string>[] = [];
      const server = await startServer((_request, response, body) => {
        seen.push(Object.fromEntries(new URLSearchParams(body)));
        response.writeHead(200, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            access_token: `t${seen.length}`,
            refresh_token: `r${seen.length}`,
            expires_in: 60,
          }),
        );
      });
      close = server.close;
      let now = 1_800_000_000_000;
      const auth = createTokenManager({
        exchange: bankExchange({
          use: "client-auth",
          alg,
          claims: { iss: "bank-client", sub: "bank-client", scope: "payments", tier: 2 },
          kid: "k1",
          lifetimeSeconds: 90,
        }),
        credentials: { clientId: "bank-client", privateKey: keys[form] },
        baseUrl: server.url,
        clock: () => now,
      });
      await auth.getToken();
      now += 61_000; // expired: renewed with the refresh grant, still authenticated by a new JWT
      await auth.getToken();
      expect(seen.map((s) => s.grant_type)).toEqual(["client_credentials", "refresh_token"]);
      const jtis = new Set<unknown>();
      seen.forEach((form, index) => {
        expect(form.client_assertion_type).toBe(
          "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        );
        const { ok, header, claims } = checkJwt(form.client_assertion!, alg, keys.publicKey);
        expect(ok).toBe(true);
        expect(header).toEqual({ alg, typ: "JWT", kid: "k1" });
        const iat = Math.floor((1_800_000_000_000 + index * 61_000) / 1000);
        expect(claims).toMatchObject({
          iss: "bank-client",
          sub: "bank-client",
          aud: `${server.url}/oauth/token`,
          scope: "payments",
          tier: 2,
          iat,
          exp: iat + 90,
        });
        expect(claims.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
        jtis.add(claims.jti);
        expect(JSON.stringify(form)).not.toContain(keys.pem.split("\n")[1]);
      });
      expect(jtis.size).toBe(2);
      await auth.close();
    },
  );

  it("puts the jwt-bearer grant's assertion on the primary grant only, with the spec's aud", async () => {
    const keys = keyPair("ES256");
    const seen: Record<string, string>[] = [];
    const server = await startServer((_request, response, body) => {
      seen.push(Object.fromEntries(new URLSearchParams(body)));
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ access_token: "t", refresh_token: "r", expires_in: 60 }));
    });
    close = server.close;
    let now = 1_800_000_000_000;
    const auth = createTokenManager({
      exchange: bankExchange({
        use: "grant",
        alg: "ES256",
        claims: { iss: "bank-client", aud: "https://bank.example/" },
        lifetimeSeconds: 60,
      }),
      credentials: { clientId: "bank-client", privateKey: keys.pem },
      baseUrl: server.url,
      clock: () => now,
    });
    await auth.getToken();
    now += 61_000;
    await auth.getToken();
    expect(seen[0]!.grant_type).toBe("urn:ietf:params:oauth:grant-type:jwt-bearer");
    const { ok, claims } = checkJwt(seen[0]!.assertion!, "ES256", keys.publicKey);
    expect(ok).toBe(true);
    expect(claims.aud).toBe("https://bank.example/");
    // The client identifies itself on every grant (RFC 6749 §6); the assertion was the grant.
    expect(seen[1]).toEqual({
      grant_type: "refresh_token",
      refresh_token: "r",
      client_id: "bank-client",
    });
  });
});

describe("a token minted locally (no token endpoint)", () => {
  /** As App Store Connect-style APIs document it: an ES256 JWT, at most 20 minutes, kid and iss. */
  const minted = (lifetimeSeconds = 1200): TokenExchange => ({
    provider: "store-api",
    tokenPath: "",
    credentials: [{ name: "privateKey", secret: true, required: true, in: "none" }],
    assertion: {
      use: "token",
      alg: "ES256",
      key: "privateKey",
      kid: "KEY123",
      claims: { iss: "issuer-1", aud: "store-api-v1" },
      lifetimeSeconds,
    },
    prepare: signAssertion,
    response: { accessToken: "token" },
    expiry: { kind: "relative-seconds", jwtExp: true, lifetimeSeconds },
  });

  it("signs the token itself, sends nothing, and caches it until shortly before its own exp", async () => {
    const keys = keyPair("ES256");
    let now = 1_800_000_000_000;
    let fetched = 0;
    const auth = createTokenManager({
      exchange: minted(),
      credentials: { privateKey: keys.pem },
      baseUrl: "https://api.store.example",
      send: mintToken,
      fetch: async () => {
        fetched += 1;
        throw new Error("nothing may be sent");
      },
      clock: () => now,
    });
    const first = await auth.getToken();
    const { ok, header, claims } = checkJwt(first.accessToken, "ES256", keys.publicKey);
    expect(ok).toBe(true);
    expect(header).toEqual({ alg: "ES256", typ: "JWT", kid: "KEY123" });
    expect(claims).toMatchObject({ iss: "issuer-1", aud: "store-api-v1", iat: 1_800_000_000 });
    expect(claims.exp).toBe(1_800_000_000 + 1200);
    expect(first.expiresAt).toBe((claims.exp as number) * 1000);
    expect(await auth.getAuthorizationHeader()).toBe(`Bearer ${first.accessToken}`);
    now += 600_000; // half its life: the same token
    expect((await auth.getToken()).accessToken).toBe(first.accessToken);
    now += 590_000; // 10 s before its exp: a new one, signed afresh
    const second = await auth.getToken();
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(checkJwt(second.accessToken, "ES256", keys.publicKey).claims.iat).toBe(1_800_001_190);
    expect(fetched).toBe(0);
    expect(JSON.stringify(first)).not.toContain(first.accessToken);
  });

  it("leaves aud out unless the spec names one, and turns a bad key into invalid_options", async () => {
    const keys = keyPair("ES256");
    const exchange = minted(600);
    const noAud: TokenExchange = {
      ...exchange,
      assertion: { ...exchange.assertion!, claims: { iss: "app-42" } },
    };
    const auth = createTokenManager({
      exchange: noAud,
      credentials: { privateKey: keys.jwk },
      baseUrl: "https://api.store.example",
      send: mintToken,
    });
    const { claims } = checkJwt((await auth.getToken()).accessToken, "ES256", keys.publicKey);
    expect(claims).not.toHaveProperty("aud");
    expect(claims.iss).toBe("app-42");
    const broken = createTokenManager({
      exchange: noAud,
      credentials: { privateKey: "not a key" },
      baseUrl: "https://api.store.example",
      send: mintToken,
    });
    await expect(broken.getToken()).rejects.toMatchObject({ code: "invalid_options" });
  });
});

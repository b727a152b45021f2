import { cp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { exportJWK, exportPKCS8, generateKeyPair } from "jose";
import Provider from "oidc-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../src/codegen/generate.ts";
import { FIXTURES, linkDependencies, scratchRoot } from "./workspace.ts";

/**
 * Interop with a real OAuth 2.0 server nobody here wrote: panva's certified oidc-provider, on
 * 127.0.0.1, against a package generated from the standard client-credentials fixture spec.
 */
let server: Server;
let issuer: string;
let root: string;
let acme: {
  createAuth: (
    options: Record<string, unknown>,
  ) => import("@auth/core").TokenManager<Record<string, unknown>>;
  onTokenEvent: typeof import("@auth/core").onTokenEvent;
};

/** The bank client's key pair: oidc-provider holds the public JWK, the client the PKCS#8 PEM. */
let bankKey: string;
let bank: typeof acme;

beforeAll(async () => {
  const pair = await generateKeyPair("ES256", { extractable: true });
  bankKey = await exportPKCS8(pair.privateKey);
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: "bank-key-1", use: "sig" };
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: "acme-client",
        client_secret: "acme-secret-0123456789",
        grant_types: ["client_credentials"],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: "client_secret_basic",
        scope: "api:read",
      },
      {
        client_id: "bank-client",
        grant_types: ["client_credentials"],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: "private_key_jwt",
        token_endpoint_auth_signing_alg: "ES256",
        jwks: { keys: [publicJwk] },
        scope: "api:read",
      },
    ],
    scopes: ["api:read"],
    features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
    ttl: { ClientCredentials: 600 },
  });
  server.on("request", provider.callback());

  const scratch = await scratchRoot();
  root = scratch.root;
  for (const id of ["acme", "signed-assertion"])
    await cp(path.join(FIXTURES, `${id}.yaml`), path.join(scratch.specs, `${id}.yaml`));
  await generate({ specsDir: scratch.specs, outRoot: root });
  for (const id of ["acme", "signed-assertion"])
    await linkDependencies(path.join(root, "packages", id));
  acme = await import(path.join(root, "packages/acme/src/index.ts"));
  bank = await import(path.join(root, "packages/signed-assertion/src/index.ts"));
}, 60_000);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(root, { recursive: true, force: true });
});

describe("generated client against oidc-provider", () => {
  it("obtains, caches and renews tokens", async () => {
    let offset = 0;
    let requests = 0;
    const events: string[] = [];
    const auth = acme.createAuth({
      clientId: "acme-client",
      clientSecret: "acme-secret-0123456789",
      baseUrl: issuer,
      scope: "api:read",
      clock: () => Date.now() + offset,
      fetch: (input: string | URL | Request, init?: RequestInit) => {
        requests += 1;
        return fetch(input, init);
      },
    });
    acme.onTokenEvent(auth, (event) => events.push(event.type));
    const first = await auth.getToken();
    expect(first.accessToken.length).toBeGreaterThan(20);
    expect(first.tokenType).toBe("Bearer");
    expect(first.scope).toBe("api:read");
    expect(Math.abs(first.expiresAt - (Date.now() + 600_000))).toBeLessThan(2_000);

    const many = await Promise.all(Array.from({ length: 200 }, () => auth.getToken()));
    expect(new Set(many.map((t) => t.accessToken))).toEqual(new Set([first.accessToken]));
    expect(requests).toBe(1);

    offset = 500_000; // inside the refresh-ahead window of a 600 s token
    expect((await auth.getToken()).accessToken).toBe(first.accessToken);
    await expect.poll(() => events.includes("refreshed_in_background")).toBe(true);
    expect(requests).toBe(2);
    const renewed = await auth.getToken();
    expect(renewed.accessToken).not.toBe(first.accessToken);
    expect(renewed.expiresAt).toBeGreaterThan(first.expiresAt);
  });

  it("gets invalid_credentials for a wrong secret, sent once", async () => {
    let requests = 0;
    const auth = acme.createAuth({
      clientId: "acme-client",
      clientSecret: "wrong",
      baseUrl: issuer,
      fetch: (input: string | URL | Request, init?: RequestInit) => {
        requests += 1;
        return fetch(input, init);
      },
    });
    await expect(auth.getToken()).rejects.toMatchObject({
      code: "invalid_credentials",
      status: 401,
      oauthError: "invalid_client",
    });
    await expect(auth.getToken()).rejects.toMatchObject({ code: "invalid_credentials" });
    expect(requests).toBe(1);
  });
});

describe("private_key_jwt (RFC 7523) against oidc-provider", () => {
  it("authenticates with a signed assertion, a new one (new jti) for every request", async () => {
    let requests = 0;
    const auth = bank.createAuth({
      clientId: "bank-client",
      keyId: "bank-key-1",
      privateKey: bankKey,
      baseUrl: issuer,
      scope: "api:read",
      fetch: (input: string | URL | Request, init?: RequestInit) => {
        requests += 1;
        return fetch(input, init);
      },
    });
    const first = await auth.getToken();
    expect(first.scope).toBe("api:read");
    expect((await auth.getToken()).accessToken).toBe(first.accessToken);
    await auth.invalidate();
    // oidc-provider refuses a replayed jti: a second token means a second, fresh assertion.
    const second = await auth.getToken();
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(requests).toBe(2);
  });

  it("is invalid_credentials with another key, sent once", async () => {
    let requests = 0;
    const other = await exportPKCS8(
      (await generateKeyPair("ES256", { extractable: true })).privateKey,
    );
    const auth = bank.createAuth({
      clientId: "bank-client",
      keyId: "bank-key-1",
      privateKey: other,
      baseUrl: issuer,
      fetch: (input: string | URL | Request, init?: RequestInit) => {
        requests += 1;
        return fetch(input, init);
      },
    });
    await expect(auth.getToken()).rejects.toMatchObject({
      code: "invalid_credentials",
      oauthError: "invalid_client",
    });
    await expect(auth.getToken()).rejects.toMatchObject({ code: "invalid_credentials" });
    expect(requests).toBe(1);
  });
});

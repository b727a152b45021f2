import { cp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { authMiddleware, MemoryTokenStore, type TokenManager } from "@auth/core";
import {
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  jwtVerify,
  type CryptoKey as JoseKey,
} from "jose";
import createClient from "openapi-fetch";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../src/codegen/generate.ts";
import { FIXTURES, linkDependencies, scratchRoot } from "./workspace.ts";

/**
 * The packages generated from the fixture specs, against `node:http` servers written by hand from
 * each provider's documented behaviour (not from the spec or the sandbox, which share the spec's
 * beliefs), including the rude answers such a provider gives on a bad day.
 */
type CreateAuth = (options: Record<string, unknown>) => TokenManager<Record<string, unknown>>;
const SHAPES = [
  "query-grant",
  "json-body",
  "envelope",
  "ok-failure",
  "custom-header",
  "tenant-host",
  "2momo",
  "signed-assertion",
  "text-token",
  "header-token",
  "company-basic",
  "seeded-refresh",
  "refresh-endpoint",
  "minted-jwt",
] as const;
const created: Record<string, CreateAuth> = {};
let root: string;

beforeAll(async () => {
  const scratch = await scratchRoot();
  root = scratch.root;
  for (const shape of SHAPES)
    await cp(path.join(FIXTURES, `${shape}.yaml`), path.join(scratch.specs, `${shape}.yaml`));
  await generate({ specsDir: scratch.specs, outRoot: root });
  for (const shape of SHAPES) {
    const dir = path.join(root, "packages", shape);
    await linkDependencies(dir);
    created[shape] = (
      (await import(path.join(dir, "src/index.ts"))) as { createAuth: CreateAuth }
    ).createAuth;
  }
}, 120_000);
afterAll(() => rm(root, { recursive: true, force: true }));

interface Seen {
  method: string;
  url: URL;
  headers: IncomingMessage["headers"];
  body: string;
}
type Answer = (seen: Seen, response: ServerResponse) => void;

let server: Server | undefined;
afterEach(async () => {
  if (server === undefined) return;
  server.closeAllConnections();
  await new Promise((resolve) => server!.close(resolve));
  server = undefined;
});

/** A provider written by hand; `answer` may change between calls. */
async function provider(answer: Answer) {
  const seen: Seen[] = [];
  const state = { answer };
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const entry = {
        method: request.method ?? "",
        url: new URL(request.url ?? "/", "http://127.0.0.1"),
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      seen.push(entry);
      state.answer(entry, response);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  return { baseUrl, seen, state };
}

function json(response: ServerResponse, status: number, body: unknown, headers = {}) {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(typeof body === "string" ? body : JSON.stringify(body));
}
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

/** A fresh ES256 key pair: the public half for the provider, the private one as PEM and JWK. */
async function es256() {
  const pair = await generateKeyPair("ES256", { extractable: true });
  return {
    publicKey: pair.publicKey,
    pem: await exportPKCS8(pair.privateKey),
    jwk: JSON.stringify(await exportJWK(pair.privateKey)),
  };
}

/** Injected clock and sleeps: retries and expiry are exact, never real waits. */
function timing() {
  const sleeps: number[] = [];
  return {
    sleeps,
    options: { clock: () => 1_700_000_000_000, sleep: async (ms: number) => void sleeps.push(ms) },
  };
}

describe("query-grant: GET, grant in the query string, expires_in as a string", () => {
  const credentials = { consumerKey: "ck-live", consumerSecret: "cs-Very/Secret+1" };
  /** As the provider documents it: GET, Basic, grant_type in the query, nothing else. */
  const documented: Answer = (seen, response) => {
    const ok =
      seen.method === "GET" &&
      seen.url.pathname === "/oauth/v1/generate" &&
      seen.url.searchParams.get("grant_type") === "client_credentials" &&
      seen.headers.authorization === basic(credentials.consumerKey, credentials.consumerSecret);
    if (!ok)
      return json(response, 400, {
        requestId: "r1",
        errorCode: "400.008.01",
        errorMessage: "Invalid Authentication passed",
      });
    json(response, 200, { access_token: "tok-query-1", expires_in: "3599" });
  };

  it("sends a GET with the grant in the query and no body, and reads the string lifetime", async () => {
    const { baseUrl, seen } = await provider(documented);
    const { options } = timing();
    const auth = created["query-grant"]!({ ...credentials, baseUrl, ...options });
    const token = await auth.getToken();
    expect(token.accessToken).toBe("tok-query-1");
    expect(token.expiresAt).toBe(1_700_000_000_000 + 3_599_000);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.body).toBe("");
    expect(seen[0]!.headers["content-type"]).toBeUndefined();
    expect([...seen[0]!.url.searchParams.keys()]).toEqual(["grant_type"]);
  });

  it.each([["3599 "], ["3.6e3"], ["-1"], ["0x10"], ["abc"], [""], ["0"]])(
    "rejects expires_in %j as not a lifetime, and caches nothing",
    async (value) => {
      const { baseUrl, seen, state } = await provider((_seen, response) =>
        json(response, 200, { access_token: "tok-bad", expires_in: value }),
      );
      const auth = created["query-grant"]!({ ...credentials, baseUrl, ...timing().options });
      await expect(auth.getToken()).rejects.toMatchObject({ code: "invalid_token_response" });
      state.answer = documented;
      expect((await auth.getToken()).accessToken).toBe("tok-query-1");
      expect(seen).toHaveLength(2);
    },
  );

  it("classifies the documented 400 error code as bad credentials: sent once, never retried", async () => {
    const { baseUrl, seen } = await provider(documented);
    const { options, sleeps } = timing();
    const auth = created["query-grant"]!({
      ...credentials,
      consumerSecret: "wrong",
      baseUrl,
      ...options,
    });
    const errors = await Promise.all(
      Array.from({ length: 5 }, () => auth.getToken().catch((error: unknown) => error)),
    );
    for (const error of errors)
      expect(error).toMatchObject({
        code: "invalid_credentials",
        oauthError: "400.008.01",
        oauthErrorDescription: "Invalid Authentication passed",
      });
    await auth.getToken().catch(() => undefined);
    expect(seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("treats another 400 as an endpoint error, not as bad credentials", async () => {
    const { baseUrl } = await provider((_seen, response) =>
      json(response, 400, {
        requestId: "r2",
        errorCode: "400.002.02",
        errorMessage: "Bad Request",
      }),
    );
    const auth = created["query-grant"]!({ ...credentials, baseUrl, ...timing().options });
    await expect(auth.getToken()).rejects.toMatchObject({ code: "endpoint_error", status: 400 });
  });

  it("never follows a redirect, even on a GET", async () => {
    const { baseUrl, seen } = await provider((_seen, response) => {
      response.writeHead(302, { location: "http://127.0.0.2:9/steal" });
      response.end();
    });
    const auth = created["query-grant"]!({ ...credentials, baseUrl, ...timing().options });
    await expect(auth.getToken()).rejects.toMatchObject({ code: "redirect_refused" });
    expect(seen).toHaveLength(1);
  });
});

describe("json-body: credentials and a fixed audience in a JSON body, a fixed version header", () => {
  const credentials = { clientId: "client-json", clientSecret: 'cs-"quoted"\\secret' };

  it("sends exactly the documented JSON body and header", async () => {
    const { baseUrl, seen } = await provider((_seen, response) =>
      json(response, 200, { access_token: "tok-json", token_type: "Bearer", expires_in: 900 }),
    );
    const auth = created["json-body"]!({ ...credentials, baseUrl, ...timing().options });
    expect((await auth.getToken()).accessToken).toBe("tok-json");
    const request = seen[0]!;
    expect(request.method).toBe("POST");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["x-api-version"]).toBe("2");
    expect(request.headers.authorization).toBeUndefined();
    expect(JSON.parse(request.body)).toEqual({ ...credentials, audience: "payments" });
  });

  it("redacts a secret the provider echoes in its JSON error", async () => {
    const { baseUrl } = await provider((seen, response) =>
      json(response, 401, {
        error: "invalid_client",
        error_description: `no client with secret ${(JSON.parse(seen.body) as { clientSecret: string }).clientSecret}`,
      }),
    );
    const auth = created["json-body"]!({ ...credentials, baseUrl, ...timing().options });
    const error = (await auth.getToken().catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: "invalid_credentials" });
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(
      credentials.clientSecret,
    );
  });

  it("refuses an HTML page a proxy answers with 200", async () => {
    const { baseUrl } = await provider((_seen, response) => {
      response.writeHead(200, { "content-type": "text/html" });
      response.end("<html><body>Please log in to the captive portal</body></html>");
    });
    const auth = created["json-body"]!({ ...credentials, baseUrl, ...timing().options });
    const error = await auth.getToken().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "invalid_token_response" });
    expect(String((error as Error).message)).not.toContain("captive portal");
  });
});

describe("envelope: token and string lifetime nested in a success envelope", () => {
  const credentials = { apiKey: "key-1", apiSecret: "secret-Envelope-1" };

  it("reads the nested token, type and lifetime; headers carry the credentials", async () => {
    const { baseUrl, seen } = await provider((_seen, response) =>
      json(response, 200, {
        success: true,
        data: { accessToken: "tok-env", tokenType: "bearer", expiresIn: "1800" },
      }),
    );
    const auth = created.envelope!({ ...credentials, baseUrl, ...timing().options });
    const token = await auth.getToken();
    expect(token).toMatchObject({ accessToken: "tok-env", tokenType: "Bearer" });
    expect(token.expiresAt).toBe(1_700_000_000_000 + 1_800_000);
    expect(seen[0]!.headers["x-api-key"]).toBe("key-1");
    expect(seen[0]!.headers["x-api-secret"]).toBe("secret-Envelope-1");
    expect(seen[0]!.body).toBe("");
  });

  it.each([
    ["no data object", { success: true }],
    ["data as an array", { success: true, data: ["tok"] }],
    ["the token one level up", { success: true, accessToken: "tok", data: {} }],
    ["a numeric token", { success: true, data: { accessToken: 12345, expiresIn: "60" } }],
  ])("refuses an envelope with %s and caches nothing", async (_name, body) => {
    const { baseUrl, seen } = await provider((_seen, response) => json(response, 200, body));
    const auth = created.envelope!({ ...credentials, baseUrl, ...timing().options });
    await expect(auth.getToken()).rejects.toMatchObject({ code: "invalid_token_response" });
    await expect(auth.getToken()).rejects.toMatchObject({ code: "invalid_token_response" });
    expect(seen).toHaveLength(2);
  });

  it("reports the provider's message from a 401 envelope", async () => {
    const { baseUrl } = await provider((_seen, response) =>
      json(response, 401, { success: false, message: "Invalid API key" }),
    );
    const auth = created.envelope!({ ...credentials, baseUrl, ...timing().options });
    await expect(auth.getToken()).rejects.toMatchObject({
      code: "invalid_credentials",
      oauthErrorDescription: "Invalid API key",
    });
  });
});

describe("ok-failure: every answer is a 200, a response code says what happened", () => {
  const credentials = { clientId: "client-ok", clientSecret: "cs-ok-Failure-1" };
  const success = {
    responseCode: "00",
    responseMessage: "Successful",
    accessToken: "tok-ok",
    expiresIn: 3600,
  };

  it("treats 200 + responseCode 401 as bad credentials: one request for every caller, no retry", async () => {
    const { baseUrl, seen } = await provider((_seen, response) =>
      json(response, 200, { responseCode: "401", responseMessage: "Invalid client credentials" }),
    );
    const { options, sleeps } = timing();
    const auth = created["ok-failure"]!({ ...credentials, baseUrl, ...options });
    const errors = await Promise.all(
      Array.from({ length: 10 }, () => auth.getToken().catch((e: unknown) => e)),
    );
    for (const error of errors)
      expect(error).toMatchObject({ code: "invalid_credentials", status: 200, oauthError: "401" });
    expect(seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("waits out Retry-After on 200 + responseCode 429, then succeeds", async () => {
    let calls = 0;
    const { baseUrl, seen } = await provider((_seen, response) => {
      calls += 1;
      if (calls === 1) json(response, 200, { responseCode: "429" }, { "retry-after": "7" });
      else json(response, 200, success);
    });
    const { options, sleeps } = timing();
    const auth = created["ok-failure"]!({ ...credentials, baseUrl, ...options });
    expect((await auth.getToken()).accessToken).toBe("tok-ok");
    expect(sleeps).toEqual([7_000]);
    expect(seen).toHaveLength(2);
  });

  it("retries 200 + responseCode 96 (temporary) with backoff, then succeeds", async () => {
    let calls = 0;
    const { baseUrl, seen } = await provider((_seen, response) => {
      calls += 1;
      json(
        response,
        200,
        calls < 3 ? { responseCode: "96", responseMessage: "System malfunction" } : success,
      );
    });
    const { options, sleeps } = timing();
    const auth = created["ok-failure"]!({ ...credentials, baseUrl, ...options });
    expect((await auth.getToken()).accessToken).toBe("tok-ok");
    expect(seen).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it("does not retry a failure code the spec calls a plain failure", async () => {
    const { baseUrl, seen } = await provider((_seen, response) =>
      json(response, 200, { responseCode: "400", responseMessage: "Malformed" }),
    );
    const auth = created["ok-failure"]!({ ...credentials, baseUrl, ...timing().options });
    await expect(auth.getToken()).rejects.toMatchObject({ code: "endpoint_error", status: 200 });
    expect(seen).toHaveLength(1);
  });

  it("refuses a 200 whose code is unknown and carries no token, and redacts an echoed secret", async () => {
    const { baseUrl } = await provider((_seen, response) =>
      json(response, 200, {
        responseCode: "77",
        responseMessage: `unexpected client_secret=${credentials.clientSecret}`,
      }),
    );
    const auth = created["ok-failure"]!({ ...credentials, baseUrl, ...timing().options });
    const error = (await auth.getToken().catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: "invalid_token_response" });
    expect(`${error.message} ${error.stack}`).not.toContain(credentials.clientSecret);
  });

  it("sends the RFC 6749 client_secret_post form", async () => {
    const { baseUrl, seen } = await provider((_seen, response) => json(response, 200, success));
    const auth = created["ok-failure"]!({ ...credentials, baseUrl, ...timing().options });
    await auth.getToken();
    expect(Object.fromEntries(new URLSearchParams(seen[0]!.body))).toEqual({
      grant_type: "client_credentials",
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    });
    expect(seen[0]!.headers.authorization).toBeUndefined();
  });
});

describe("custom-header: API calls carry the bare token in X-Auth-Token", () => {
  const credentials = { clientId: "client-hdr", clientSecret: "cs-Header-1" };

  it("presents the token as the spec says, in the middleware and getAuthorizationHeader", async () => {
    let issued = 0;
    const { baseUrl, seen } = await provider((request, response) => {
      if (request.url.pathname === "/auth/token") {
        issued += 1;
        // A provider clock 2 h ahead: the absolute expiry is corrected with the Date header.
        const serverNow = Date.now() + 7_200_000;
        return json(
          response,
          200,
          { token: `tok-hdr-${issued}`, expires_at: Math.floor(serverNow / 1000) + 600 },
          { date: new Date(serverNow).toUTCString() },
        );
      }
      const presented = request.headers["x-auth-token"];
      const fresh =
        presented === `tok-hdr-${issued}` && request.headers.authorization === undefined;
      json(response, fresh ? 200 : 401, { ok: fresh });
    });
    const auth = created["custom-header"]!({ ...credentials, baseUrl });
    expect(auth.tokenHeader).toBe("x-auth-token");
    expect(await auth.getAuthorizationHeader()).toBe("tok-hdr-1");
    const token = await auth.getToken();
    expect(Math.abs(token.expiresAt - (Date.now() + 600_000))).toBeLessThan(5_000);

    const client = createClient<{
      "/api/ping": {
        get: { responses: { 200: { content: { "application/json": { ok: boolean } } } } };
      };
    }>({ baseUrl });
    client.use(authMiddleware(auth));
    expect((await client.GET("/api/ping")).data).toEqual({ ok: true });
    issued += 1; // the provider rotates: the cached token is now rejected with a 401
    const replayed = await client.GET("/api/ping");
    expect(replayed.data).toEqual({ ok: true });
    expect(
      seen.filter((s) => s.url.pathname === "/api/ping").map((s) => s.headers["x-auth-token"]),
    ).toEqual(["tok-hdr-1", "tok-hdr-1", "tok-hdr-3"]);
  });
});

describe("tenant-host: a host per merchant and region, values built from templates", () => {
  const credentials = { clientId: "merchant-7", clientSecret: "cs-Tenant-1" };
  /**
   * Stands in for DNS: the client asks for https://<tenant>.<region>.tenant-host.test, and this
   * fetch delivers the request to the loopback provider, telling it which URL was asked for.
   */
  function routed(baseUrl: string) {
    const asked: string[] = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      asked.push(url.href);
      const headers = new Headers(input instanceof Request ? input.headers : init?.headers);
      headers.set("x-asked-host", url.host);
      const delivered = await globalThis.fetch(`${baseUrl}${url.pathname}${url.search}`, {
        method: input instanceof Request ? input.method : init?.method,
        body: input instanceof Request ? input.body : init?.body,
        headers,
        redirect: "manual",
        ...(input instanceof Request ? { duplex: "half" } : {}),
      } as RequestInit);
      // As if it came from the host asked for (a Response built here has no URL of its own).
      return new Response(delivered.body, delivered);
    };
    return { asked, fetch };
  }
  /** As the provider documents it: its own host, Basic, the JSON body and the merchant header. */
  const documented =
    (host: string): Answer =>
    (seen, response) => {
      const tenant = host.split(".")[0];
      let body: unknown;
      try {
        body = JSON.parse(seen.body);
      } catch {
        body = undefined;
      }
      const ok =
        seen.headers["x-asked-host"] === host &&
        seen.method === "POST" &&
        seen.url.pathname === "/oauth2/token" &&
        seen.headers.authorization === basic(credentials.clientId, credentials.clientSecret) &&
        seen.headers["x-merchant"] === `urn:tenant-host:merchant:${credentials.clientId}` &&
        JSON.stringify(body) ===
          JSON.stringify({
            grant_type: "client_credentials",
            apiVersion: 2,
            includeRefresh: false,
            resource: `https://${tenant}.tenant-host.test/.default`,
          });
      if (!ok) return json(response, 400, { error: "invalid_request" });
      json(response, 200, {
        access_token: `tok-${tenant}`,
        token_type: "Bearer",
        expires_in: 1800,
      });
    };

  it("puts the tenant and the default region into the host, and builds the body and header", async () => {
    const { baseUrl, seen } = await provider(documented("acme.eu.tenant-host.test"));
    const { asked, fetch } = routed(baseUrl);
    const auth = created["tenant-host"]!({
      ...credentials,
      tenant: "acme",
      fetch,
      ...timing().options,
    });
    expect((await auth.getToken()).accessToken).toBe("tok-acme");
    expect(asked).toEqual(["https://acme.eu.tenant-host.test/oauth2/token"]);
    expect(seen).toHaveLength(1);
  });

  it("takes a region from its enum and an environment whose URL has only the tenant", async () => {
    const { baseUrl } = await provider(documented("beta.us.tenant-host.test"));
    const us = routed(baseUrl);
    const auth = created["tenant-host"]!({
      ...credentials,
      tenant: "beta",
      region: "us",
      fetch: us.fetch,
      ...timing().options,
    });
    expect((await auth.getToken()).accessToken).toBe("tok-beta");
    expect(us.asked).toEqual(["https://beta.us.tenant-host.test/oauth2/token"]);
    const sandbox = routed(baseUrl);
    const inSandbox = created["tenant-host"]!({
      ...credentials,
      tenant: "beta",
      environment: "sandbox",
      fetch: sandbox.fetch,
      ...timing().options,
    });
    await inSandbox.getToken().catch(() => undefined);
    expect(sandbox.asked).toEqual(["https://beta.sandbox.tenant-host.test/oauth2/token"]);
  });

  it.each([
    ["tenant", "evil.example/"],
    ["tenant", "evil.example"],
    ["tenant", "a@evil.example"],
    ["tenant", "acme:8443"],
    ["tenant", "acme?x=1"],
    ["tenant", "acme#frag"],
    ["tenant", "acme%2eevil"],
    ["tenant", " acme"],
    ["tenant", "acme\n"],
    ["tenant", ".."],
    ["tenant", ""],
    ["tenant", "ACME"],
    ["tenant", "ac\u00e9me"],
    ["tenant", "a".repeat(64)],
    ["tenant", 42],
    ["region", "ap"],
    ["region", "eu.evil"],
  ])("refuses %s = %j as invalid_options, and sends nothing", async (name, value) => {
    const { baseUrl, seen } = await provider(documented("acme.eu.tenant-host.test"));
    const { asked, fetch } = routed(baseUrl);
    let error: unknown;
    try {
      created["tenant-host"]!({ ...credentials, tenant: "acme", [name]: value, fetch });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toMatchObject({ code: "invalid_options" });
    expect((error as Error).message).toContain(name);
    if (typeof value === "string" && value.length > 2)
      expect((error as Error).message).not.toContain(value.trim());
    expect(asked).toEqual([]);
    expect(seen).toEqual([]);
  });

  it("requires the tenant (a free-form variable), also when baseUrl is given", () => {
    expect(() =>
      created["tenant-host"]!({ ...credentials, baseUrl: "http://127.0.0.1:9" }),
    ).toThrow(
      expect.objectContaining({
        code: "invalid_options",
        message: expect.stringContaining("tenant is required"),
      }),
    );
  });

  it("keeps tenants apart behind one gateway: the built resource is part of the identity", async () => {
    const { baseUrl } = await provider((seen, response) => {
      const resource = (JSON.parse(seen.body) as { resource: string }).resource;
      json(response, 200, {
        access_token: `tok-for-${resource}`,
        token_type: "Bearer",
        expires_in: 60,
      });
    });
    const a = created["tenant-host"]!({ ...credentials, tenant: "acme", baseUrl });
    const b = created["tenant-host"]!({ ...credentials, tenant: "beta", baseUrl });
    expect(a.cacheKey).not.toBe(b.cacheKey);
    expect((await a.getToken()).accessToken).toBe("tok-for-https://acme.tenant-host.test/.default");
    expect((await b.getToken()).accessToken).toBe("tok-for-https://beta.tenant-host.test/.default");
  });
});

describe("2momo: a leading-digit id, a trailing-slash path, a token type that is not a scheme", () => {
  const credentials = {
    apiUser: "6f1c2d3e-user",
    apiKey: "Momo-Api-Key-1",
    subscriptionKey: "sub-key-collection",
  };
  /** As the provider documents it: the path with its slash, Basic, the subscription key, no body. */
  const documented: Answer = (seen, response) => {
    if (
      seen.method !== "POST" ||
      seen.url.pathname !== "/collection/token/" ||
      seen.headers.authorization !== basic(credentials.apiUser, credentials.apiKey) ||
      seen.headers["ocp-apim-subscription-key"] !== credentials.subscriptionKey ||
      seen.body !== ""
    )
      return json(response, 401, { error: "login_failed" });
    json(response, 200, { access_token: "jwt-momo", token_type: "access_token", expires_in: 3600 });
  };

  it("posts to the path exactly as published and presents the token as Bearer", async () => {
    const { baseUrl, seen } = await provider(documented);
    const auth = created["2momo"]!({ ...credentials, baseUrl, ...timing().options });
    expect(await auth.getAuthorizationHeader()).toBe("Bearer jwt-momo");
    expect(seen.map((s) => s.url.pathname)).toEqual(["/collection/token/"]);
  });

  it("sends a wrong key once: a 401 is bad credentials, never retried", async () => {
    const { baseUrl, seen } = await provider(documented);
    const { options, sleeps } = timing();
    const auth = created["2momo"]!({ ...credentials, apiKey: "wrong", baseUrl, ...options });
    await expect(auth.getToken()).rejects.toMatchObject({ code: "invalid_credentials" });
    await expect(auth.getToken()).rejects.toMatchObject({ code: "invalid_credentials" });
    expect(seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });
});

describe("signed-assertion: private_key_jwt, verified by jose as an RFC 7523 server would", () => {
  const clientId = "bank-client-1";
  const keyId = "key-2026-12";
  let pem: string;
  let jwk: string;
  let publicKey: JoseKey;
  beforeAll(async () => ({ publicKey, pem, jwk } = await es256()));
  const jtis = new Set<string>();
  /** As the bank documents it: the assertion, signed by the registered key, once per jti. */
  const documented =
    (tokenUrl: () => string, now = () => Date.now()): Answer =>
    async (seen, response) => {
      const form = Object.fromEntries(new URLSearchParams(seen.body));
      try {
        if (form.client_assertion_type !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
          throw new Error("type");
        const { payload, protectedHeader } = await jwtVerify(form.client_assertion!, publicKey, {
          algorithms: ["ES256"],
          issuer: clientId,
          subject: clientId,
          audience: tokenUrl(),
          maxTokenAge: "2m",
          currentDate: new Date(now()),
        });
        if (protectedHeader.kid !== keyId || jtis.has(payload.jti!)) throw new Error("kid/jti");
        if (payload.exp! - payload.iat! !== 120) throw new Error("lifetime");
        jtis.add(payload.jti!);
      } catch {
        return json(response, 401, { error: "invalid_client" });
      }
      json(response, 200, {
        access_token: `tok-${jtis.size}`,
        token_type: "Bearer",
        expires_in: 600,
        scope: form.scope ?? "",
      });
    };

  it.each([["PEM"], ["JWK"]])("signs a fresh assertion per request with a %s key", async (form) => {
    let baseUrl = "";
    let offset = 0;
    // The provider's clock moves with the client's: time passes for both.
    const started = await provider(
      documented(
        () => `${baseUrl}/token`,
        () => Date.now() + offset,
      ),
    );
    baseUrl = started.baseUrl;
    const auth = created["signed-assertion"]!({
      clientId,
      keyId,
      privateKey: form === "PEM" ? pem : jwk,
      baseUrl,
      clock: () => Date.now() + offset,
    });
    const first = await auth.getToken();
    offset = 601_000; // the token has expired: a second request, with a new jti
    const second = await auth.getToken();
    expect(first.accessToken).not.toBe(second.accessToken);
    const forms = started.seen.map((s) => Object.fromEntries(new URLSearchParams(s.body)));
    expect(forms).toHaveLength(2);
    expect(forms[0]).toMatchObject({ grant_type: "client_credentials", client_id: clientId });
    expect(forms[0]!.client_assertion).not.toBe(forms[1]!.client_assertion);
    // The key never travels.
    for (const s of started.seen) expect(s.body).not.toContain(pem.split("\n")[1]!.slice(0, 20));
    await auth.close();
  });

  it("is refused for another key: bad credentials, sent once, the key in no message", async () => {
    const other = (await es256()).pem;
    let baseUrl = "";
    const started = await provider(documented(() => `${baseUrl}/token`));
    baseUrl = started.baseUrl;
    const auth = created["signed-assertion"]!({ clientId, keyId, privateKey: other, baseUrl });
    const error = (await auth.getToken().catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: "invalid_credentials" });
    await auth.getToken().catch(() => undefined);
    expect(started.seen).toHaveLength(1);
    const body = other.split("\n")[1]!;
    expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain(body);
  });

  it.each([
    ["an RSA key for ES256", "rsa"],
    ["a PKCS#1 PEM", "pkcs1"],
    ["garbage", "garbage"],
  ])("turns %s into invalid_options before anything is sent", async (_name, kind) => {
    const started = await provider(documented(() => ""));
    const privateKey =
      kind === "rsa"
        ? await exportPKCS8((await generateKeyPair("RS256", { extractable: true })).privateKey)
        : kind === "pkcs1"
          ? "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK\n-----END RSA PRIVATE KEY-----"
          : "not a key at all";
    const auth = created["signed-assertion"]!({
      clientId,
      keyId,
      privateKey,
      baseUrl: started.baseUrl,
    });
    const error = (await auth.getToken().catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: "invalid_options" });
    expect(error.message).toContain("privateKey is not a ES256 private key");
    expect(error.message).not.toContain(privateKey.slice(0, 40));
    expect(started.seen).toHaveLength(0);
  });
});

describe("text-token: the whole text/plain body is the token, with a documented lifetime", () => {
  const credentials = { merchantId: "m-100", apiKey: "Api-Key-Text-1" };
  const documented: Answer = (seen, response) => {
    if (seen.headers.authorization !== basic(credentials.merchantId, credentials.apiKey))
      return json(response, 401, { error: "unauthorized", message: "bad key" });
    response.writeHead(200, { "content-type": "text/plain" });
    response.end("tok-text-7f3a\n");
  };

  it("reads the body as the token, trimmed, lives the stated 20 minutes, and presents it as Bearer", async () => {
    const { baseUrl } = await provider(documented);
    const auth = created["text-token"]!({ ...credentials, baseUrl, ...timing().options });
    const token = await auth.getToken();
    expect(token.accessToken).toBe("tok-text-7f3a");
    expect(token.expiresAt).toBe(1_700_000_000_000 + 1_200_000);
    expect(await auth.getAuthorizationHeader()).toBe("Bearer tok-text-7f3a");
  });

  it("still reads a JSON error as an error, and refuses an empty or spaced body", async () => {
    const { baseUrl, state } = await provider(documented);
    const wrong = created["text-token"]!({ ...credentials, apiKey: "nope", baseUrl });
    await expect(wrong.getToken()).rejects.toMatchObject({
      code: "invalid_credentials",
      oauthError: "unauthorized",
    });
    for (const text of ["", "two words"]) {
      state.answer = (_seen, response) => {
        response.writeHead(200, { "content-type": "text/plain" });
        response.end(text);
      };
      const auth = created["text-token"]!({ ...credentials, baseUrl, ...timing().options });
      await expect(auth.getToken()).rejects.toMatchObject({ code: "invalid_token_response" });
    }
  });
});

describe("header-token: the token in X-Subject-Token, its expiry in the JSON body", () => {
  const credentials = { user: "ops", password: "Pass-Word-9" };
  const documented: Answer = (seen, response) => {
    const body = JSON.parse(seen.body || "{}") as Record<string, string>;
    if (body.user !== credentials.user || body.password !== credentials.password)
      return json(response, 401, {
        error: { code: 401, message: "The request you have made requires authentication." },
      });
    json(
      response,
      200,
      {
        token: {
          expires_at: new Date(1_700_000_000_000 + 3_600_000).toISOString(),
          methods: ["password"],
        },
      },
      { "x-subject-token": "gAAAAAB-header-token" },
    );
  };

  it("takes the token from the header and the expiry from the body, and presents it bare", async () => {
    const { baseUrl } = await provider(documented);
    const auth = created["header-token"]!({ ...credentials, baseUrl, ...timing().options });
    const token = await auth.getToken();
    expect(token.accessToken).toBe("gAAAAAB-header-token");
    expect(token.expiresAt).toBe(1_700_000_000_000 + 3_600_000);
    expect(auth.tokenHeader).toBe("x-auth-token");
    expect(await auth.getAuthorizationHeader()).toBe("gAAAAAB-header-token");
  });

  it("refuses a 200 without the header, caching nothing", async () => {
    const { baseUrl, seen, state } = await provider((_seen, response) =>
      json(response, 200, { token: { expires_at: "2030-01-01T00:00:00Z" } }),
    );
    const auth = created["header-token"]!({ ...credentials, baseUrl, ...timing().options });
    await expect(auth.getToken()).rejects.toMatchObject({ code: "invalid_token_response" });
    state.answer = documented;
    expect((await auth.getToken()).accessToken).toBe("gAAAAAB-header-token");
    expect(seen).toHaveLength(2);
  });
});

describe("company-basic: API calls carry Basic base64(companyId:token)", () => {
  const credentials = { companyId: "4620816365", password: "Company-Pass-1" };
  it("presents the token inside the value built from the company id, on every path", async () => {
    let issued = 0;
    const { baseUrl, seen } = await provider((request, response) => {
      if (request.url.pathname === "/auth/token") {
        issued += 1;
        return json(response, 200, { token: `tok-company-${issued}`, expires_in: 3600 });
      }
      // As the provider documents API calls: Basic, base64 of companyId:token.
      const expected = `Basic ${Buffer.from(`${credentials.companyId}:tok-company-${issued}`).toString("base64")}`;
      json(response, request.headers.authorization === expected ? 200 : 401, {});
    });
    const auth = created["company-basic"]!({ ...credentials, baseUrl });
    expect(await auth.getAuthorizationHeader()).toBe(
      `Basic ${Buffer.from(`${credentials.companyId}:tok-company-1`).toString("base64")}`,
    );
    const client = createClient<{
      "/api/ping": { get: { responses: { 200: { content: { "application/json": object } } } } };
    }>({ baseUrl });
    client.use(authMiddleware(auth));
    expect((await client.GET("/api/ping")).response.status).toBe(200);
    issued += 1; // rotated at the provider: the middleware replays once with a new token
    expect((await client.GET("/api/ping")).response.status).toBe(200);
    expect(seen.filter((s) => s.url.pathname === "/auth/token")).toHaveLength(2);
  });
});

describe("seeded-refresh: a refresh token from consent, rotated on every use, private_key_jwt", () => {
  const clientId = "bank-client-1";
  const HOUR = 3_600_000;
  let pem: string;
  let publicKey: JoseKey;
  beforeAll(async () => ({ publicKey, pem } = await es256()));

  /**
   * As the bank documents it: the client authenticates with its signed assertion on every
   * request; every refresh token works once; a used one is invalid_grant; three refusals lock.
   */
  async function bank(now: () => number) {
    let live = new Set(["rt-consent"]);
    let issued = 0;
    const presented: string[] = [];
    const started = await provider(async (seen, response) => {
      const form = Object.fromEntries(new URLSearchParams(seen.body));
      presented.push(form.refresh_token ?? "");
      try {
        await jwtVerify(form.client_assertion!, publicKey, {
          algorithms: ["ES256"],
          issuer: clientId,
          subject: clientId,
          audience: `${started.baseUrl}/token`,
          currentDate: new Date(now()),
        });
      } catch {
        return json(response, 401, { error: "invalid_client" });
      }
      if (form.grant_type !== "refresh_token" || form.client_id !== clientId)
        return json(response, 400, { error: "invalid_request" });
      if (!live.has(form.refresh_token ?? ""))
        return json(response, 400, { error: "invalid_grant" });
      issued += 1;
      live = new Set([`rt-${issued}`]);
      json(response, 200, {
        access_token: `at-${issued}`,
        token_type: "Bearer",
        expires_in: 600,
        refresh_token: `rt-${issued}`,
      });
    });
    return { ...started, presented };
  }

  it("renews with the newest refresh token across a restart and a second process, never the used seed", async () => {
    const time = { now: Date.now() };
    const clock = () => time.now;
    const started = await bank(clock);
    const store = new MemoryTokenStore({ clock });
    const options = {
      clientId,
      refreshToken: "rt-consent",
      privateKey: pem,
      baseUrl: started.baseUrl,
      store,
      clock,
    };
    const first = created["seeded-refresh"]!(options);
    expect((await first.getToken()).accessToken).toBe("at-1");
    await first.close();
    time.now += 3 * HOUR; // the access token is long dead; the process restarts
    const restarted = created["seeded-refresh"]!(options);
    const other = created["seeded-refresh"]!(options);
    expect((await restarted.getToken()).accessToken).toBe("at-2");
    expect((await other.getToken()).accessToken).toBe("at-2"); // from the store
    time.now += 3 * HOUR;
    expect((await other.getToken()).accessToken).toBe("at-3");
    time.now += 3 * HOUR;
    expect((await restarted.getToken()).accessToken).toBe("at-4");
    expect(started.presented).toEqual(["rt-consent", "rt-1", "rt-2", "rt-3"]);
    // The refresh tokens never appear in what the manager prints.
    expect(
      `${JSON.stringify(restarted)} ${JSON.stringify(await restarted.getToken())}`,
    ).not.toMatch(/rt-/);
  });

  it("sends a dead seed once: invalid_grant is bad credentials, never retried towards the lockout", async () => {
    const started = await bank(() => Date.now());
    const auth = created["seeded-refresh"]!({
      clientId,
      refreshToken: "rt-already-used",
      privateKey: pem,
      baseUrl: started.baseUrl,
    });
    await expect(auth.getToken()).rejects.toMatchObject({
      code: "invalid_credentials",
      oauthError: "invalid_grant",
    });
    await auth.getToken().catch(() => undefined);
    expect(started.presented).toEqual(["rt-already-used"]);
  });
});

describe("refresh-endpoint: the refresh is a request of its own, with its own body and header", () => {
  const credentials = { clientId: "merchant-42", password: "Wallet-Pass-1" };
  /** As the wallet documents it; a refresh token works once. */
  function wallet() {
    let issued = 0;
    let live = "";
    const issue = (response: ServerResponse) => {
      issued += 1;
      live = `rt-${issued}`;
      json(response, 200, {
        data: { accessToken: `at-${issued}`, refreshToken: live, expiresIn: 900 },
      });
    };
    return provider((seen, response) => {
      const body = JSON.parse(seen.body || "{}") as Record<string, string>;
      if (seen.url.pathname === "/auth/login") {
        if (
          seen.headers["x-api-version"] !== "2" ||
          body.clientId !== credentials.clientId ||
          body.password !== credentials.password
        )
          return json(response, 401, { error: "unauthorized", message: "bad login" });
        return issue(response);
      }
      if (seen.url.pathname === "/auth/refresh") {
        if (seen.headers["x-client-id"] !== credentials.clientId)
          return json(response, 401, { error: "unauthorized" });
        if (!live || body.refreshToken !== live)
          return json(response, 400, { error: "invalid_grant", message: "refresh token used" });
        live = "";
        return issue(response);
      }
      json(response, 404, {});
    });
  }

  it("logs in once, then renews on /auth/refresh with only the refresh token and X-Client-Id", async () => {
    const { baseUrl, seen } = await wallet();
    let now = 1_700_000_000_000;
    const auth = created["refresh-endpoint"]!({ ...credentials, baseUrl, clock: () => now });
    expect((await auth.getToken()).accessToken).toBe("at-1");
    now += 901_000;
    expect((await auth.getToken()).accessToken).toBe("at-2");
    now += 901_000;
    expect((await auth.getToken()).accessToken).toBe("at-3");
    expect(seen.map((s) => s.url.pathname)).toEqual([
      "/auth/login",
      "/auth/refresh",
      "/auth/refresh",
    ]);
    const refresh = seen[1]!;
    expect(JSON.parse(refresh.body)).toEqual({ refreshToken: "rt-1" });
    expect(refresh.headers["x-api-version"]).toBeUndefined();
    expect(refresh.body).not.toContain(credentials.password);
  });

  it("logs in again when the refresh token is refused, and never retries a refused login", async () => {
    const { baseUrl, seen, state } = await wallet();
    let now = 1_700_000_000_000;
    const auth = created["refresh-endpoint"]!({ ...credentials, baseUrl, clock: () => now });
    await auth.getToken();
    const documented = state.answer;
    // The provider forgets every refresh token (a deploy, a revocation).
    state.answer = (entry, response) =>
      entry.url.pathname === "/auth/refresh"
        ? json(response, 400, { error: "invalid_grant" })
        : documented(entry, response);
    now += 901_000;
    expect((await auth.getToken()).accessToken).toBe("at-2");
    expect(seen.map((s) => s.url.pathname)).toEqual([
      "/auth/login",
      "/auth/refresh",
      "/auth/login",
    ]);
    const wrong = created["refresh-endpoint"]!({ ...credentials, password: "nope", baseUrl });
    await expect(wrong.getToken()).rejects.toMatchObject({ code: "invalid_credentials" });
    await wrong.getToken().catch(() => undefined);
    expect(seen.filter((s) => s.url.pathname === "/auth/login")).toHaveLength(3);
  });
});

describe("minted-jwt: no token endpoint, every call carries an ES256 JWT the client signs", () => {
  const issuerId = "57246542-96fe-1a63-e053-0824d011072a";
  const keyId = "2X9R4HXF34";
  let pem: string;
  let publicKey: JoseKey;
  beforeAll(async () => ({ publicKey, pem } = await es256()));
  /** The API, as documented: a JWT from the team's key, at most 20 minutes, or 401. */
  const api =
    (now: () => number): Answer =>
    async (seen, response) => {
      const jwt = /^Bearer (\S+)$/.exec(String(seen.headers.authorization ?? ""))?.[1] ?? "";
      try {
        const { payload, protectedHeader } = await jwtVerify(jwt, publicKey, {
          algorithms: ["ES256"],
          issuer: issuerId,
          audience: "store-api-v1",
          currentDate: new Date(now()),
        });
        if (protectedHeader.kid !== keyId || payload.exp! - payload.iat! > 1200)
          throw new Error("kid or lifetime");
      } catch {
        return json(response, 401, { errors: [{ status: "401", code: "NOT_AUTHORIZED" }] });
      }
      json(response, 200, { data: [{ id: "1234567890" }] });
    };

  it("sends nothing to get a token, and the API accepts it until shortly before its 20 minutes end", async () => {
    const time = { now: Date.now() };
    const { baseUrl, seen } = await provider(api(() => time.now));
    const auth = created["minted-jwt"]!({
      issuerId,
      keyId,
      privateKey: pem,
      baseUrl,
      clock: () => time.now,
    });
    const first = await auth.getToken();
    expect(seen).toHaveLength(0); // minting sent nothing
    expect(first.expiresAt).toBe(Math.floor(time.now / 1000) * 1000 + 1_200_000);
    const call = async () =>
      (
        await fetch(`${baseUrl}/v1/apps`, {
          headers: { authorization: await auth.getAuthorizationHeader() },
        })
      ).status;
    expect(await call()).toBe(200);
    time.now += 1_000_000; // 16.7 minutes: still the same token, still accepted
    expect((await auth.getToken()).accessToken).toBe(first.accessToken);
    expect(await call()).toBe(200);
    time.now += 195_000; // 5 s before exp: a new token
    expect((await auth.getToken()).accessToken).not.toBe(first.accessToken);
    expect(await call()).toBe(200);
    expect(seen.map((s) => s.url.pathname)).toEqual(["/v1/apps", "/v1/apps", "/v1/apps"]);
  });

  it("is refused by the API for another key (401), and a bad key is invalid_options, never printed", async () => {
    const { baseUrl } = await provider(api(() => Date.now()));
    const other = (await es256()).pem;
    const forged = created["minted-jwt"]!({ issuerId, keyId, privateKey: other, baseUrl });
    const response = await fetch(`${baseUrl}/v1/apps`, {
      headers: { authorization: await forged.getAuthorizationHeader() },
    });
    expect(response.status).toBe(401);
    const broken = created["minted-jwt"]!({
      issuerId,
      keyId,
      privateKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
      baseUrl,
    });
    const error = (await broken.getToken().catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: "invalid_options" });
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain("AAAA");
  });
});

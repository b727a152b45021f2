import { authMiddleware, createTokenManager, type TokenExchange } from "@auth/core";
import createClient from "openapi-fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RudeServer, sendJson, startRudeServer } from "./support/rude-server.js";
import { coreExchange } from "./support/targets.js";

// Concern: the middleware guards the token like the token request guards the credentials. A
// token never goes over plain http to a remote host, and never reaches another origin through a
// redirect — custom presentation headers included, which fetch does not strip — on the first
// attempt or on the 401 replay.

let tokens: RudeServer;
let api: RudeServer;
let elsewhere: RudeServer;
let issued = 0;
beforeAll(async () => {
  tokens = await startRudeServer((_request, response) =>
    sendJson(response, 200, {
      access_token: `tok-${++issued}`,
      token_type: "Bearer",
      expires_in: 3600,
    }),
  );
  api = await startRudeServer((_request, response) => sendJson(response, 200, { ok: true }));
  elsewhere = await startRudeServer((_request, response) =>
    sendJson(response, 200, { elsewhere: true }),
  );
});
afterAll(async () => {
  await Promise.all([tokens.close(), api.close(), elsewhere.close()]);
});

const customHeader: TokenExchange = {
  ...coreExchange,
  presentation: { header: "x-api-token", scheme: "" },
};

describe.each([
  ["Authorization", coreExchange, "authorization"],
  ["a custom header", customHeader, "x-api-token"],
] as const)("tokens presented in %s", (_name, exchange, header) => {
  const setup = () => {
    const auth = createTokenManager({
      exchange,
      credentials: { clientId: "mw-client", clientSecret: "mw-secret" },
      baseUrl: tokens.url,
    });
    const client = createClient({ baseUrl: api.url });
    client.use(authMiddleware(auth));
    return { auth, client };
  };

  it("follows a cross-origin redirect without the token", async () => {
    const { auth, client } = setup();
    api.handle((_request, response) => {
      response.writeHead(302, { location: `${elsewhere.url}/landing` });
      response.end();
    });
    const seenBefore = elsewhere.requests;
    const { data, response } = await client.GET("/start" as never);
    expect(response.status).toBe(200);
    expect(data).toEqual({ elsewhere: true });
    expect(elsewhere.requests).toBe(seenBefore + 1);
    const landed = elsewhere.seen.at(-1)!;
    expect(landed.headers[header]).toBeUndefined();
    expect(landed.headers.authorization).toBeUndefined();
    expect(api.seen.at(-1)!.headers[header]).toMatch(/tok-/);
    await auth.close();
  });

  it("keeps the token and the body on a same-origin 307", async () => {
    const { auth, client } = setup();
    api.handle((request, response, seen) => {
      if (seen.path === "/old") {
        response.writeHead(307, { location: "/new" });
        response.end();
        return;
      }
      sendJson(response, 200, { path: seen.path, body: seen.body, token: request.headers[header] });
    });
    const { data } = await client.POST("/old" as never, { body: { amount: 5 } } as never);
    expect(data).toMatchObject({
      path: "/new",
      body: '{"amount":5}',
      token: expect.stringMatching(/tok-/),
    });
    await auth.close();
  });

  it("strips the token when the replay after a 401 is redirected to another origin", async () => {
    const { auth, client } = setup();
    let calls = 0;
    api.handle((_request, response) => {
      calls += 1;
      if (calls === 1) return sendJson(response, 401, { error: "expired" });
      response.writeHead(307, { location: `${elsewhere.url}/replayed` });
      response.end();
    });
    const seenBefore = elsewhere.requests;
    const { data } = await client.GET("/pay" as never);
    expect(data).toEqual({ elsewhere: true });
    expect(calls).toBe(2);
    expect(elsewhere.requests).toBe(seenBefore + 1);
    expect(elsewhere.seen.at(-1)!.headers[header]).toBeUndefined();
    await auth.close();
  });
});

describe("plain http to a remote host", () => {
  const auth = () =>
    createTokenManager({
      exchange: coreExchange,
      credentials: { clientId: "mw-client", clientSecret: "mw-secret" },
      baseUrl: tokens.url,
    });

  /** A client for a remote plain-http API whose fetch records, and never sends, what reaches it. */
  const remoteClient = (sent: string[]) =>
    createClient({
      baseUrl: "http://api.example.test",
      fetch: async (request: Request) => {
        sent.push(request.url);
        return new Response("{}", { headers: { "content-type": "application/json" } });
      },
    });

  it("is refused with insecure_url before a token is fetched or anything is sent", async () => {
    const manager = auth();
    const sent: string[] = [];
    const client = remoteClient(sent);
    client.use(authMiddleware(manager));
    const before = tokens.requests;
    await expect(client.GET("/charges" as never)).rejects.toMatchObject({ code: "insecure_url" });
    expect(sent).toEqual([]);
    expect(tokens.requests).toBe(before);
    await manager.close();
  });

  it("is refused every time: only URLs found secure are remembered (exact strings, a bounded set)", async () => {
    const manager = auth();
    const sent: string[] = [];
    const middleware = authMiddleware(manager);
    const secure = createClient({
      baseUrl: "https://api.example.test",
      fetch: async (request: Request) => {
        sent.push(request.url);
        return new Response("{}", { headers: { "content-type": "application/json" } });
      },
    });
    secure.use(middleware);
    // More distinct secure URLs than the set holds, so it is cleared and refilled on the way.
    for (let i = 0; i < 100; i++) await secure.GET(`/charges/${i}` as never);
    expect(sent).toHaveLength(100);
    const insecure = remoteClient(sent);
    insecure.use(middleware);
    for (let attempt = 0; attempt < 3; attempt++)
      await expect(insecure.GET("/charges" as never)).rejects.toMatchObject({
        code: "insecure_url",
      });
    expect(sent).toHaveLength(100);
    await manager.close();
  });

  it("goes through only with allowInsecureHttp: true, and refuses a string", async () => {
    const manager = auth();
    const sent: string[] = [];
    const client = remoteClient(sent);
    client.use(authMiddleware(manager, { allowInsecureHttp: true }));
    await client.GET("/charges" as never);
    expect(sent).toEqual(["http://api.example.test/charges"]);
    expect(() => authMiddleware(manager, { allowInsecureHttp: "true" as never })).toThrow(
      expect.objectContaining({ code: "invalid_options" }),
    );
    await manager.close();
  });
});

import { authMiddleware } from "@auth/core";
import createClient from "openapi-fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RudeServer, sendJson, startRudeServer } from "./support/rude-server.js";
import { targets } from "./support/targets.js";

// Concern: browsers and workerd reject a `fetch` called with any `this` but the global object
// ("Illegal invocation"). Node does not, so only a strict fetch shows the bug: every path must
// call the fetch it was given unbound — token requests and the middleware's 401 replay alike.

const strictFetch = function (this: unknown, input: RequestInfo | URL, init?: RequestInit) {
  if (this !== undefined && this !== globalThis)
    return Promise.reject(new TypeError("Illegal invocation: fetch called with another `this`"));
  return fetch(input, init);
} as typeof fetch;

let server: RudeServer;
let issued = 0;
beforeAll(async () => {
  server = await startRudeServer((request, response, seen) => {
    if (seen.path === "/resource") {
      const token = request.headers.authorization ?? "";
      return sendJson(response, token.endsWith("-1") ? 401 : 200, { ok: true });
    }
    issued += 1;
    sendJson(response, 200, {
      access_token: `token-${issued}`,
      token_type: "bearer",
      expires_in: 3600,
      token: `token-${issued}`,
      tokenType: "Bearer",
      expiresAt: Date.now() + 3_600_000,
    });
  });
});
afterAll(() => server.close());

describe.each(targets)("an unbound fetch through $name", (target) => {
  it("gets a token and replays a 401 through the middleware with a strict fetch", async () => {
    issued = 0;
    const auth = target.create(server.url, { fetch: strictFetch });
    expect((await auth.getToken()).accessToken).toBe("token-1");
    const client = createClient<{
      "/resource": {
        get: { responses: { 200: { content: { "application/json": { ok: boolean } } } } };
      };
    }>({
      baseUrl: server.url,
      fetch: strictFetch,
    });
    client.use(authMiddleware(auth));
    const { response } = await client.GET("/resource");
    expect(response.status).toBe(200); // token-1 was rejected, the replay with token-2 went through
    expect(issued).toBe(2);
    await auth.close();
  });
});

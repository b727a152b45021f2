import { afterEach, describe, expect, it } from "vitest";
import { createTokenManager } from "./manager.js";
import { oauthExchange } from "../test-support/harness.js";
import { sendJson, startServer } from "../test-support/http-server.js";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function setup(handler: Parameters<typeof startServer>[0], retry = {}) {
  const server = await startServer(handler);
  close = server.close;
  const manager = createTokenManager({
    exchange: oauthExchange,
    credentials: { clientId: "client", clientSecret: "secret" },
    baseUrl: server.url,
    // Generous by default (a loaded machine answers slowly); the timeout tests set a short one
    // against servers that never answer, which cannot flake.
    retry: { attemptTimeoutMs: 10_000, baseDelayMs: 1, maxDelayMs: 5, ...retry },
  });
  return { server, manager };
}

describe("token requests over real HTTP", () => {
  it("posts a form with Basic auth and reads the token", async () => {
    let seen: { auth?: string; type?: string; body?: string; path?: string } = {};
    const { manager } = await setup((request, response, body) => {
      seen = {
        auth: request.headers.authorization,
        type: request.headers["content-type"],
        body,
        path: request.url,
      };
      sendJson(response, 200, { access_token: "abc", token_type: "bearer", expires_in: 3600 });
    });
    expect(await manager.getAuthorizationHeader()).toBe("Bearer abc");
    expect(seen).toEqual({
      auth: `Basic ${Buffer.from("client:secret").toString("base64")}`,
      type: "application/x-www-form-urlencoded",
      body: "grant_type=client_credentials",
      path: "/oauth/token",
    });
  });

  it("times out a server that never answers, retrying within the budget", async () => {
    const { server, manager } = await setup(() => {}, { maxAttempts: 2, attemptTimeoutMs: 300 });
    await expect(manager.getToken()).rejects.toMatchObject({ code: "timeout" });
    expect(server.requests).toBe(2);
  });

  it("times out a body that trickles in too slowly", async () => {
    const { manager } = await setup(
      (_request, response) => {
        response.writeHead(200, { "content-type": "application/json" });
        response.write('{"access_token":');
        // never finishes
      },
      { maxAttempts: 1, attemptTimeoutMs: 300 },
    );
    await expect(manager.getToken()).rejects.toMatchObject({ code: "timeout" });
  });

  it("recovers from a connection reset", async () => {
    let calls = 0;
    const { server, manager } = await setup((request, response) => {
      calls += 1;
      if (calls === 1) return void request.socket.destroy();
      sendJson(response, 200, { access_token: "after-reset", expires_in: 60 });
    });
    expect((await manager.getToken()).accessToken).toBe("after-reset");
    expect(server.requests).toBe(2);
  });

  it("reports a reset that never recovers as a network error", async () => {
    const { manager } = await setup((request) => void request.socket.destroy(), { maxAttempts: 2 });
    await expect(manager.getToken()).rejects.toMatchObject({ code: "network_error" });
  });

  it("turns an HTML error page into an endpoint error without copying the page", async () => {
    const { manager } = await setup(
      (_request, response) => {
        response.writeHead(502, { "content-type": "text/html" });
        response.end("<html><body><h1>Bad Gateway</h1>nginx internal details</body></html>");
      },
      { maxAttempts: 2 },
    );
    const error = await manager.getToken().catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ code: "endpoint_error", status: 502 });
    expect((error as Error).message).not.toContain("nginx");
  });

  it("turns an HTML 200 into an invalid token response", async () => {
    const { manager } = await setup((_request, response) => {
      response.writeHead(200, { "content-type": "text/html" });
      response.end("<html>login page</html>");
    });
    await expect(manager.getToken()).rejects.toMatchObject({ code: "invalid_token_response" });
  });

  it("reports a refused connection as a network error", async () => {
    const { server, manager } = await setup((_request, response) => sendJson(response, 200, {}), {
      maxAttempts: 1,
    });
    await server.close();
    close = undefined;
    await expect(manager.getToken()).rejects.toMatchObject({ code: "network_error" });
  });
});

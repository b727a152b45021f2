import ky from "ky";
import { afterEach, describe, expect, it } from "vitest";
import { createTokenManager } from "../engine/manager.js";
import { authFetch } from "./auth-fetch.js";
import { oauthExchange } from "../test-support/harness.js";
import { sendJson, startServer } from "../test-support/http-server.js";
import type { TokenExchange } from "../contract/exchange.js";

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/**
 * A token server issuing t1, t2, … and an API (a real node:http server) that accepts only the
 * tokens in `valid`, echoing the body it got and recording the header of every request.
 */
async function setup(exchange: TokenExchange = oauthExchange, header = "authorization") {
  let issued = 0;
  const valid = new Set<string>();
  const seen: (string | undefined)[] = [];
  const auth = await startServer((_request, response) => {
    issued += 1;
    sendJson(response, 200, { access_token: `t${issued}`, expires_in: 3600 });
  });
  const api = await startServer((request, response, body) => {
    const value = request.headers[header] as string | undefined;
    seen.push(value);
    const token = (value ?? "").replace(/^Bearer /, "");
    if (!valid.has(token)) return sendJson(response, 401, { error: "invalid_token" });
    sendJson(response, 200, { token, body, method: request.method });
  });
  servers.push(auth, api);
  const manager = createTokenManager({
    exchange,
    credentials: { clientId: "c", clientSecret: "s" },
    baseUrl: auth.url,
  });
  return { api, valid, seen, manager, issued: () => issued };
}

describe("authFetch with the global fetch", () => {
  it("sends the token and returns the API's response", async () => {
    const { api, valid, manager, seen } = await setup();
    valid.add("t1");
    const response = await authFetch(manager)(`${api.url}/things`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token: "t1" });
    expect(seen).toEqual(["Bearer t1"]);
  });

  it("replays a POST once with a new token after a 401, body included", async () => {
    const { api, valid, manager, seen, issued } = await setup();
    const call = authFetch(manager);
    valid.add("t1");
    await call(`${api.url}/things`);
    valid.clear();
    valid.add("t2"); // t1 revoked server-side
    const response = await call(new URL(`${api.url}/things`), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ amount: 1200 }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      token: "t2",
      body: '{"amount":1200}',
      method: "POST",
    });
    expect(seen).toEqual(["Bearer t1", "Bearer t1", "Bearer t2"]);
    expect(issued()).toBe(2);
  });

  it("replays a streamed body", async () => {
    const { api, valid, manager } = await setup();
    const call = authFetch(manager);
    valid.add("t2"); // t1 is rejected: the first send is refused, the replay must resend the stream
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("chunk-1,"));
        controller.enqueue(new TextEncoder().encode("chunk-2"));
        controller.close();
      },
    });
    const response = await call(`${api.url}/upload`, {
      method: "PUT",
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(await response.json()).toMatchObject({ token: "t2", body: "chunk-1,chunk-2" });
  });

  it("returns a second 401 as it is, and N concurrent 401s cost one new token", async () => {
    const { api, manager, issued, valid } = await setup();
    const call = authFetch(manager);
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => call(`${api.url}/things`).then((r) => r.status)),
    );
    expect(answers).toEqual(Array(8).fill(401));
    expect(issued()).toBe(2);
    valid.add("t2");
    expect((await call(`${api.url}/things`)).status).toBe(200);
  });

  it("refuses plain http to a remote host before fetching a token or sending anything", async () => {
    const { manager, issued } = await setup();
    let sent = 0;
    const call = authFetch(manager, async () => {
      sent += 1;
      return new Response("no");
    });
    await expect(call("http://api.example.test/charges")).rejects.toMatchObject({
      code: "insecure_url",
    });
    expect(sent).toBe(0);
    expect(issued()).toBe(0);
  });

  it("keeps a custom token header on its origin across a redirect", async () => {
    const exchange: TokenExchange = {
      ...oauthExchange,
      presentation: { header: "x-api-token", scheme: "" },
    };
    const { api, manager, valid } = await setup(exchange, "x-api-token");
    valid.add("t1");
    const elsewhere = await startServer((request, response) =>
      sendJson(response, 200, { header: request.headers["x-api-token"] ?? null }),
    );
    servers.push(elsewhere);
    const redirecting = await startServer((_request, response) => {
      response.writeHead(302, { location: `${elsewhere.url}/landing` });
      response.end();
    });
    servers.push(redirecting);
    const call = authFetch(manager);
    expect(await (await call(`${redirecting.url}/go`)).json()).toEqual({ header: null });
    expect(await (await call(`${api.url}/things`)).json()).toMatchObject({ token: "t1" });
  });

  it("uses the fetch it is given, unbound, and rejects one that is not a function", async () => {
    const { api, valid, manager } = await setup();
    valid.add("t1");
    const urls: string[] = [];
    const call = authFetch(manager, function (this: unknown, request) {
      expect(this).toBeUndefined();
      urls.push(request.url);
      return fetch(request);
    });
    expect((await call(`${api.url}/a`)).status).toBe(200);
    expect(urls).toEqual([`${api.url}/a`]);
    expect(() => authFetch(manager, "fetch" as never)).toThrow(TypeError);
  });
});

describe("authFetch as ky's fetch", () => {
  it("sends the token, and ky sees the replayed answer after a revoked token", async () => {
    const { api, valid, manager, seen } = await setup();
    const client = ky.create({ prefixUrl: api.url, fetch: authFetch(manager), retry: 0 });
    valid.add("t1");
    expect(await client.get("things").json()).toMatchObject({ token: "t1" });
    valid.clear();
    valid.add("t2");
    expect(await client.post("things", { json: { amount: 5 } }).json()).toEqual({
      token: "t2",
      body: '{"amount":5}',
      method: "POST",
    });
    expect(seen).toEqual(["Bearer t1", "Bearer t1", "Bearer t2"]);
  });
});

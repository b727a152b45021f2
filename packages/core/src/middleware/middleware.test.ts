import createClient from "openapi-fetch";
import { afterEach, describe, expect, it } from "vitest";
import { createTokenManager } from "../engine/manager.js";
import { authMiddleware } from "./middleware.js";
import { oauthExchange } from "../test-support/harness.js";
import { sendJson, startServer } from "../test-support/http-server.js";

interface ApiPaths {
  "/things": {
    get: { responses: { 200: { content: { "application/json": { token: string } } } } };
    post: {
      requestBody: { content: { "application/json": { name: string } } };
      responses: { 200: { content: { "application/json": { token: string; name: string } } } };
    };
  };
}

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A token server issuing t1, t2, … and an API that accepts only the tokens in `valid`. */
async function setup() {
  let issued = 0;
  const valid = new Set<string>();
  const auth = await startServer((_request, response) => {
    issued += 1;
    sendJson(response, 200, { access_token: `t${issued}`, expires_in: 3600 });
  });
  const api = await startServer((request, response, body) => {
    const token = (request.headers.authorization ?? "").replace(/^Bearer /, "");
    if (!valid.has(token)) return sendJson(response, 401, { error: "invalid_token" });
    sendJson(response, 200, { token, ...(body ? (JSON.parse(body) as object) : {}) });
  });
  servers.push(auth, api);
  const manager = createTokenManager({
    exchange: oauthExchange,
    credentials: { clientId: "c", clientSecret: "s" },
    baseUrl: auth.url,
  });
  const client = createClient<ApiPaths>({ baseUrl: api.url });
  client.use(authMiddleware(manager));
  return { auth, api, client, valid, issued: () => issued };
}

describe("openapi-fetch middleware", () => {
  it("sets the Authorization header", async () => {
    const { client, valid } = await setup();
    valid.add("t1");
    const { data } = await client.GET("/things");
    expect(data).toEqual({ token: "t1" });
  });

  it("replays a request once with a new token after a 401, body included", async () => {
    const { client, valid, api } = await setup();
    valid.add("t1");
    await client.GET("/things");
    valid.clear();
    valid.add("t2"); // t1 revoked server-side
    const { data, response } = await client.POST("/things", { body: { name: "widget" } });
    expect(response.status).toBe(200);
    expect(data).toEqual({ token: "t2", name: "widget" });
    expect(api.requests).toBe(3);
  });

  it("fetches one new token for N concurrent 401s", async () => {
    const { client, valid, issued } = await setup();
    valid.add("t1");
    await client.GET("/things");
    valid.clear();
    valid.add("t2");
    const results = await Promise.all(Array.from({ length: 20 }, () => client.GET("/things")));
    expect(results.every((r) => r.response.status === 200)).toBe(true);
    expect(issued()).toBe(2);
  });

  it("hands a second 401 back to the caller untouched", async () => {
    const { client, api, issued } = await setup();
    const { response, error } = await client.GET("/things");
    expect(response.status).toBe(401);
    expect(error).toEqual({ error: "invalid_token" });
    expect(api.requests).toBe(2);
    expect(issued()).toBe(2);
  });
});

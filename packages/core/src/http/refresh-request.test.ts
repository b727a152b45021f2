import { afterEach, describe, expect, it } from "vitest";
import type { TokenExchange } from "../contract/exchange.js";
import { createTokenManager } from "../engine/manager.js";
import { sendJson, startServer } from "../test-support/http-server.js";

/**
 * A provider whose refresh is a request of its own, written by hand from how such providers
 * document it: the login is `POST /auth/login` with a JSON body and a fixed `X-Api-Version`
 * header; renewing is `POST /auth/refresh` with `{"refreshToken": …}`, the client id in
 * `X-Client-Id`, no grant type, no password, and none of the login's constants.
 */
const exchange: TokenExchange = {
  provider: "wallet",
  tokenPath: "/auth/login",
  bodyEncoding: "json",
  credentials: [
    { name: "clientId", in: "body", field: "clientId", secret: false, required: true },
    { name: "password", in: "body", field: "password", required: true },
  ],
  constants: [{ in: "header", name: "X-Api-Version", value: "2" }],
  scopeField: "scope",
  refresh: {
    tokenPath: "/auth/refresh",
    bodyEncoding: "json",
    refreshTokenField: "refreshToken",
    credentials: [
      { name: "clientId", in: "header", header: "X-Client-Id", secret: false, required: true },
      { name: "password", in: "none", required: true },
    ],
  },
  response: { accessToken: "/data/accessToken", refreshToken: "/data/refreshToken" },
  expiry: { field: "/data/expiresIn", kind: "relative-seconds" },
};

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

interface Seen {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

async function wallet(options: { refreshWorks: boolean }) {
  const seen: Seen[] = [];
  let issued = 0;
  const issue = (response: Parameters<typeof sendJson>[0]) => {
    issued += 1;
    sendJson(response, 200, {
      data: { accessToken: `at-${issued}`, refreshToken: `rt-${issued}`, expiresIn: 600 },
    });
  };
  const server = await startServer((request, response, raw) => {
    const body = JSON.parse(raw || "{}") as Record<string, unknown>;
    seen.push({ path: request.url ?? "", headers: request.headers, body });
    if (request.url === "/auth/login") {
      if (
        body.clientId !== "c1" ||
        body.password !== "pw" ||
        request.headers["x-api-version"] !== "2"
      )
        return sendJson(response, 401, { error: "invalid_client" });
      return issue(response);
    }
    if (request.url === "/auth/refresh") {
      if (request.headers["x-client-id"] !== "c1")
        return sendJson(response, 401, { error: "invalid_client" });
      if (!options.refreshWorks || body.refreshToken !== `rt-${issued}`)
        return sendJson(response, 400, { error: "invalid_grant" });
      return issue(response);
    }
    sendJson(response, 404, {});
  });
  close = server.close;
  return { url: server.url, seen };
}

describe("a refresh request of its own", () => {
  it("renews on its own path with its own body and header, never the password or the login's constants", async () => {
    const provider = await wallet({ refreshWorks: true });
    let now = 1_700_000_000_000;
    const auth = createTokenManager({
      exchange,
      credentials: { clientId: "c1", password: "pw" },
      scope: "payments",
      baseUrl: provider.url,
      clock: () => now,
    });
    expect((await auth.getToken()).accessToken).toBe("at-1");
    now += 601_000;
    expect((await auth.getToken()).accessToken).toBe("at-2");
    expect(provider.seen.map((s) => s.path)).toEqual(["/auth/login", "/auth/refresh"]);
    const [login, refresh] = provider.seen;
    expect(login!.body).toEqual({ clientId: "c1", password: "pw", scope: "payments" });
    expect(refresh!.body).toEqual({ refreshToken: "rt-1" });
    expect(refresh!.headers["x-client-id"]).toBe("c1");
    expect(refresh!.headers["x-api-version"]).toBeUndefined();
    expect(refresh!.headers["content-type"]).toBe("application/json");
    expect(refresh!.headers.authorization).toBeUndefined();
    await auth.close();
  });

  it("falls back to the login when the refresh token is rejected: the rejection is no failed login", async () => {
    const provider = await wallet({ refreshWorks: false });
    let now = 1_700_000_000_000;
    const auth = createTokenManager({
      exchange,
      credentials: { clientId: "c1", password: "pw" },
      baseUrl: provider.url,
      clock: () => now,
    });
    await auth.getToken();
    now += 601_000;
    expect((await auth.getToken()).accessToken).toBe("at-2");
    expect(provider.seen.map((s) => s.path)).toEqual([
      "/auth/login",
      "/auth/refresh",
      "/auth/login",
    ]);
    await auth.close();
  });
});

import { afterEach, describe, expect, it } from "vitest";
import type { TokenExchange } from "../contract/exchange.js";
import { MemoryTokenStore } from "../store/memory.js";
import { sendJson, startServer } from "../test-support/http-server.js";
import { createTokenManager } from "./manager.js";

/**
 * A seeded refresh token (banking APIs): the first refresh token comes from a consent flow outside
 * the client and is given to it as a secret credential; the primary grant is the refresh grant.
 * The provider, written by hand: every refresh token works once (rotation), a used one is refused
 * with invalid_grant, and every refusal counts towards a lockout after three.
 */
const exchange: TokenExchange = {
  provider: "bank",
  tokenPath: "/token",
  credentials: [
    { name: "clientId", in: "body", field: "client_id", secret: false, required: true },
    { name: "refreshToken", in: "body", field: "refresh_token", required: true },
  ],
  grant: "refresh_token",
  refreshGrant: "refresh_token",
  response: { accessToken: "access_token", refreshToken: "refresh_token" },
  expiry: {
    field: "expires_in",
    kind: "relative-seconds",
    refreshLifetimeSeconds: 90 * 86_400,
  },
  lockoutAfter: 3,
};

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function bank() {
  let live = new Set(["seed-0"]);
  let issued = 0;
  const presented: string[] = [];
  const state = { refusals: 0 };
  const server = await startServer((_request, response, body) => {
    const form = new URLSearchParams(body);
    const token = form.get("refresh_token") ?? "";
    presented.push(token);
    if (form.get("grant_type") !== "refresh_token" || form.get("client_id") !== "c1")
      return sendJson(response, 400, { error: "invalid_request" });
    if (!live.has(token)) {
      state.refusals += 1;
      return sendJson(response, 400, { error: "invalid_grant" });
    }
    issued += 1;
    live = new Set([`rt-${issued}`]); // rotated: the presented one is dead
    sendJson(response, 200, {
      access_token: `at-${issued}`,
      refresh_token: `rt-${issued}`,
      expires_in: 600,
    });
  });
  close = server.close;
  return { url: server.url, presented, state };
}

/** One clock for every process of the fleet. */
function clock() {
  const time = { now: 1_700_000_000_000 };
  return { time, clock: () => time.now };
}

const HOUR = 3_600_000;

/** A manager's options: the seed from consent, a shared store, the fleet's one clock. */
function seededOptions(
  baseUrl: string,
  store: MemoryTokenStore,
  clock: () => number,
  more: object = {},
) {
  return {
    exchange,
    credentials: { clientId: "c1", refreshToken: "seed-0" },
    baseUrl,
    store,
    clock,
    ...more,
  };
}

describe("a seeded refresh token the provider rotates", () => {
  it("renews with the newest refresh token after a restart, not the dead seed", async () => {
    const provider = await bank();
    const { time, clock: now } = clock();
    const store = new MemoryTokenStore({ clock: now });
    const options = seededOptions(provider.url, store, now);
    const first = createTokenManager(options);
    expect((await first.getToken()).accessToken).toBe("at-1");
    await first.close();

    // Two hours later the access token is long gone; the process restarts with the same seed.
    time.now += 2 * HOUR;
    const restarted = createTokenManager(options);
    expect((await restarted.getToken()).accessToken).toBe("at-2");
    expect(provider.presented).toEqual(["seed-0", "rt-1"]);

    // Another process that still remembers rt-1 in memory takes rt-2 from the store.
    const other = createTokenManager(options);
    time.now += 2 * HOUR;
    expect((await restarted.getToken()).accessToken).toBe("at-3");
    time.now += 2 * HOUR;
    expect((await other.getToken()).accessToken).toBe("at-4");
    expect(provider.presented).toEqual(["seed-0", "rt-1", "rt-2", "rt-3"]);
    expect(provider.state.refusals).toBe(0);
    await restarted.close();
    await other.close();
  });

  it.each([
    [89, "rt-1"],
    [91, "seed-0"],
  ])(
    "keeps the entry for the refresh token's lifetime: %i days later a restart presents %s",
    async (days, expected) => {
      const provider = await bank();
      const { time, clock: now } = clock();
      const options = seededOptions(provider.url, new MemoryTokenStore({ clock: now }), now);
      await createTokenManager(options).getToken();
      time.now += days * 24 * HOUR;
      await createTokenManager(options)
        .getToken()
        .catch(() => undefined);
      expect(provider.presented).toEqual(["seed-0", expected]);
    },
  );

  it("without a stated lifetime the entry dies with its access token: the dead seed is replayed once, never retried", async () => {
    const provider = await bank();
    const { time, clock: now } = clock();
    const store = new MemoryTokenStore({ clock: now });
    const options = seededOptions(provider.url, store, now, {
      exchange: { ...exchange, expiry: { field: "expires_in", kind: "relative-seconds" } } as const,
    });
    await createTokenManager(options).getToken();
    time.now += 2 * HOUR;
    const restarted = createTokenManager(options);
    await expect(restarted.getToken()).rejects.toMatchObject({ code: "invalid_credentials" });
    await expect(restarted.getToken()).rejects.toMatchObject({ code: "invalid_credentials" });
    // One refusal: a credentials failure is remembered, not retried towards the lockout.
    expect(provider.state.refusals).toBe(1);
    expect(provider.presented).toEqual(["seed-0", "seed-0"]);
  });

  it("never prints the refresh tokens it holds when the provider echoes one", async () => {
    const { time, clock: now } = clock();
    let calls = 0;
    const server = await startServer((_request, response, body) => {
      calls += 1;
      const token = new URLSearchParams(body).get("refresh_token");
      if (calls === 1)
        return sendJson(response, 200, {
          access_token: "at-1",
          refresh_token: "rt-secret-1",
          expires_in: 600,
        });
      sendJson(response, 503, { error: "temporarily_unavailable", error_description: `${token}` });
    });
    close = server.close;
    const store = new MemoryTokenStore({ clock: now });
    const options = seededOptions(server.url, store, now, { retry: { maxAttempts: 1 } });
    await createTokenManager(options).getToken();
    time.now += 2 * HOUR;
    const error = (await createTokenManager(options)
      .getToken()
      .catch((e: unknown) => e)) as Error;
    expect(calls).toBe(2);
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain("rt-secret-1");
  });
});

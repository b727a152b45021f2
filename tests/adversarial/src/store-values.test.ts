import { MemoryTokenStore, onTokenEvent, type StoredToken, type TokenEvent } from "@auth/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RudeServer, sendJson, startRudeServer } from "./support/rude-server.js";
import { core, manisTarget } from "./support/targets.js";

// Concern: values read from a shared store are not trusted. A value that is not a usable token is
// discarded, deleted from the store, reported (`store_value_rejected`), and a real token is fetched.

let server: RudeServer;
beforeAll(async () => {
  server = await startRudeServer((_request, response) =>
    sendJson(response, 200, {
      ...core.okBody("fresh-token"),
      ...manisTarget.okBody("fresh-token"),
    }),
  );
});
afterAll(() => server.close());

/**
 * A MemoryTokenStore whose next read returns a planted value, whatever the key: entries are keyed
 * by an HMAC under the manager's secret, which a test (like an attacker) cannot name in advance.
 * Records the key the manager used.
 */
class PlantedStore extends MemoryTokenStore {
  planted: unknown;
  key = "";
  override get(key: string): Promise<StoredToken | undefined> {
    this.key = key;
    if (this.planted === undefined) return super.get(key);
    const value = this.planted;
    this.planted = undefined;
    return Promise.resolve(value as StoredToken);
  }
}

const now = Date.now();
const valid: StoredToken = {
  accessToken: "stored-token",
  tokenType: "Bearer",
  expiresAt: now + 3_600_000,
  obtainedAt: now,
  raw: {},
};

const poisoned: [string, unknown][] = [
  ["a numeric token", { ...valid, accessToken: 12345 }],
  ["a CRLF token (header injection)", { ...valid, accessToken: "abc\r\nX-Injected: 1" }],
  ["an empty token", { ...valid, accessToken: "" }],
  ["token type Basic", { ...valid, tokenType: "Basic" }],
  ["a token type with a space", { ...valid, tokenType: "Bearer x" }],
  ["a year-275760 expiry", { ...valid, expiresAt: 8.64e15 }],
  ["an infinite expiry", { ...valid, expiresAt: Number.POSITIVE_INFINITY }],
  ["a NaN expiry", { ...valid, expiresAt: Number.NaN }],
  ["a string expiry", { ...valid, expiresAt: String(now + 3_600_000) }],
  ["a lifetime beyond 24 h", { ...valid, expiresAt: now + 30 * 86_400_000 }],
  ["obtainedAt after expiresAt", { ...valid, obtainedAt: now + 7_200_000 }],
  ["a numeric refresh token", { ...valid, refreshToken: 7 }],
  ["raw that is a string", { ...valid, raw: "oops" }],
  ["an array", [valid]],
  ["a string", "stored-token"],
];

describe.each([core, manisTarget])("poisoned store values through $name", (target) => {
  it.each(poisoned)("discards %s, deletes it and fetches a real token", async (_name, value) => {
    const store = new PlantedStore();
    const events: TokenEvent[] = [];
    const auth = target.create(server.url, { store });
    onTokenEvent(auth, (e) => events.push(e));
    store.planted = value;
    const before = server.requests;
    const token = await auth.getToken();
    expect(token.accessToken).toBe("fresh-token");
    expect(token.tokenType).toBe("Bearer");
    expect(server.requests).toBe(before + 1);
    expect(events.find((e) => e.type === "store_value_rejected")).toBeDefined();
    // The fresh token replaced the poisoned one in the store.
    expect((await store.get(store.key))?.accessToken).toBe("fresh-token");
    await auth.close();
  });

  it("adopts a valid stored token without a request", async () => {
    const store = new PlantedStore();
    const auth = target.create(server.url, { store });
    store.planted = valid;
    const before = server.requests;
    expect((await auth.getToken()).accessToken).toBe("stored-token");
    expect(server.requests).toBe(before);
    await auth.close();
  });
});

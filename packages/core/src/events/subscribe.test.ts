import { describe, expect, it } from "vitest";
import { AuthError } from "../contract/errors.js";
import type { TokenEvent } from "./events.js";
import { createTokenManager } from "../engine/manager.js";
import { onTokenEvent } from "./subscribe.js";
import {
  json,
  managerWith,
  oauthExchange,
  scriptedFetch,
  tokenBody,
} from "../test-support/harness.js";

describe("onTokenEvent", () => {
  it("delivers each event with the provider, to every listener, until it unsubscribes", async () => {
    const server = scriptedFetch(json(tokenBody("t1", 3600)), json(tokenBody("t2", 3600)));
    const { manager } = managerWith(server.fetch);
    const first: TokenEvent[] = [];
    const second: string[] = [];
    const stopFirst = onTokenEvent(manager, (event) => first.push(event));
    onTokenEvent(manager, (event) => second.push(event.type));
    await manager.getToken();
    expect(first.map((e) => e.type)).toEqual(["fetch_started", "fetch_succeeded"]);
    expect(first[0]).toEqual({
      type: "fetch_started",
      provider: oauthExchange.provider,
      grant: "primary",
      attempt: 1,
      background: false,
    });
    stopFirst();
    stopFirst(); // twice is harmless
    await manager.getToken({ forceRefresh: true });
    expect(first).toHaveLength(2);
    expect(second).toEqual([
      "fetch_started",
      "fetch_succeeded",
      "fetch_started",
      "fetch_succeeded",
    ]);
  });

  it("counts the same function subscribed twice as two subscriptions, each removed on its own", async () => {
    const server = scriptedFetch(json(tokenBody("t1")), json(tokenBody("t2")));
    const { manager } = managerWith(server.fetch);
    const heard: string[] = [];
    const listener = (event: TokenEvent) => heard.push(event.type);
    const stopA = onTokenEvent(manager, listener);
    onTokenEvent(manager, listener);
    await manager.getToken();
    expect(heard).toHaveLength(4);
    stopA();
    await manager.getToken({ forceRefresh: true });
    expect(heard).toHaveLength(6);
  });

  it("keeps token handling going when a listener throws, and the next listener still hears", async () => {
    const server = scriptedFetch(json(tokenBody("t1")));
    const { manager } = managerWith(server.fetch);
    const heard: string[] = [];
    onTokenEvent(manager, () => {
      throw new Error("listener bug");
    });
    onTokenEvent(manager, (event) => heard.push(event.type));
    expect((await manager.getToken()).accessToken).toBe("t1");
    expect(heard).toEqual(["fetch_started", "fetch_succeeded"]);
  });

  it("refuses what is not a token manager, and a listener that is not a function", () => {
    const { manager } = managerWith(scriptedFetch().fetch);
    for (const auth of [{}, null, undefined, "auth", { [Symbol.for("@auth/core.events")]: null }])
      expect(() => onTokenEvent(auth as never, () => undefined)).toThrow(
        expect.objectContaining({
          code: "invalid_options",
          message: expect.stringMatching(/^onTokenEvent\(auth, listener\): auth must be/),
        }),
      );
    expect(() => onTokenEvent(manager, "log" as never)).toThrow(/listener must be a function/);
  });

  it("refuses the removed onEvent option at creation, naming its replacement", () => {
    let error: unknown;
    try {
      createTokenManager({
        exchange: oauthExchange,
        credentials: { clientId: "client-1", clientSecret: "s3cret-value" },
        baseUrl: "https://auth.example.test",
        onEvent: () => undefined,
      } as never);
    } catch (caught) {
      error = caught;
    }
    expect(AuthError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: "invalid_options",
      message: "onEvent was removed: use onTokenEvent(auth, listener)",
    });
  });
});

import type { TokenExchange } from "../contract/exchange.js";
import { createTokenManager, type TokenManagerOptions } from "../engine/manager.js";
import type { TokenEvent } from "../events/events.js";
import { onTokenEvent } from "../events/subscribe.js";

/** A client-credentials provider used across the unit tests. */
export const oauthExchange: TokenExchange = {
  provider: "example",
  tokenPath: "/oauth/token",
  credentials: [
    { name: "clientId", in: "basic", part: "username", secret: false, required: true },
    { name: "clientSecret", in: "basic", part: "password", secret: true, required: true },
  ],
  grant: "client_credentials",
  scopeField: "scope",
  response: {
    accessToken: "access_token",
    tokenType: "token_type",
    refreshToken: "refresh_token",
    scope: "scope",
  },
  expiry: { field: "expires_in", kind: "relative-seconds", jwtExp: true },
};

export const refreshExchange: TokenExchange = { ...oauthExchange, refreshGrant: "refresh_token" };

export interface Recorded {
  url: string;
  headers: Record<string, string>;
  form: Record<string, string>;
}

type Reply = Response | Error | ((call: Recorded) => Response | Error | Promise<Response | Error>);

/** A scripted fetch: replies in order (the last one repeats), records every request. */
export function scriptedFetch(...replies: Reply[]) {
  const calls: Recorded[] = [];
  const pending: (() => void)[] = [];
  let gate: Promise<void> | undefined;
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const form =
      init?.body instanceof URLSearchParams ? Object.fromEntries(init.body.entries()) : {};
    const call = { url: String(input), headers, form };
    calls.push(call);
    if (gate) await gate;
    const reply = replies[Math.min(calls.length - 1, replies.length - 1)]!;
    const result = typeof reply === "function" ? await reply(call) : reply;
    if (result instanceof Error) throw result;
    return result instanceof Response ? result.clone() : result;
  };
  return {
    fetch: fetch as typeof globalThis.fetch,
    calls,
    /** Holds every request until release() is called. */
    hold() {
      gate = new Promise<void>((resolve) => pending.push(resolve));
    },
    release() {
      gate = undefined;
      for (const resolve of pending.splice(0)) resolve();
    },
  };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

export function tokenBody(
  accessToken: string,
  expiresIn = 3600,
  extra: Record<string, unknown> = {},
) {
  return { access_token: accessToken, token_type: "bearer", expires_in: expiresIn, ...extra };
}

/** An injected clock plus a sleep that advances it instead of waiting. */
export function fakeTime(start = 1_700_000_000_000) {
  let now = start;
  const sleeps: number[] = [];
  return {
    clock: () => now,
    advance(ms: number) {
      now += ms;
    },
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** Builds a manager with fake time, fixed randomness and recorded events. */
export function managerWith(
  fetch: typeof globalThis.fetch,
  overrides: Partial<TokenManagerOptions> = {},
) {
  const time = fakeTime();
  const events: TokenEvent[] = [];
  const manager = createTokenManager({
    exchange: oauthExchange,
    credentials: { clientId: "client-1", clientSecret: "s3cret-value" },
    baseUrl: "https://auth.example.test",
    fetch,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0.5,
    ...overrides,
  });
  onTokenEvent(manager, (event) => events.push(event));
  return { manager, time, events };
}

/** Lets queued promise callbacks (a background refresh) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((resolve) => setImmediate(resolve));
}

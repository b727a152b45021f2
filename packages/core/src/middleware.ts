import type { TokenManager } from "./manager.js";
import { presentToken, tokenHeaderName } from "./token.js";

/**
 * The openapi-fetch middleware shape, declared here so `@auth/core`'s types compile without
 * openapi-fetch installed (it is an optional peer). Structurally assignable to openapi-fetch's
 * `Middleware`: `client.use(authMiddleware(auth))` type-checks as is.
 */
export interface AuthMiddleware {
  onRequest(params: { request: Request }): Promise<Request>;
  onResponse(params: {
    request: Request;
    response: Response;
    options: { fetch: (input: Request) => Promise<Response> };
  }): Promise<Response | undefined>;
}

interface Sent {
  readonly accessToken: string;
  /** A copy taken before sending, so a request with a body can be replayed. */
  readonly replay: Request | undefined;
}

/** Enough to remember the replacements of a burst of rejected tokens. */
const MAX_REPLACEMENTS = 16;

/**
 * openapi-fetch middleware: sets `Authorization` (or the header the spec's `presentation` names)
 * on every request; after a 401, invalidates the token only if it is still the one that was
 * rejected (N concurrent 401s → one new token) and replays the request once with the new token. A
 * second 401 goes back to the caller untouched.
 *
 * A token obtained because of a 401 must work once before another 401 can force a refresh: an API
 * that rejects every token (wrong scope, missing permission) costs one extra token, not one per
 * call.
 *
 * A standalone function, not a method of the manager, so an application that never calls it does
 * not ship it. Create one per client: it remembers which of its tokens were rejected.
 *
 * @example
 * import { authMiddleware, createAuth } from "@auth/alternative-payments";
 * const auth = createAuth({ clientId, clientSecret });
 * const client = createClient<paths>({ baseUrl });
 * client.use(authMiddleware(auth));
 */
export function authMiddleware(
  auth: Pick<TokenManager<unknown>, "getToken" | "invalidate" | "presentation">,
): AuthMiddleware {
  const presentation = auth.presentation;
  const header = tokenHeaderName(presentation);
  const sent = new WeakMap<Request, Sent>();
  /** Tokens obtained after a 401 that have not yet been accepted by the API. */
  const unproven = new Set<string>();
  const settle = (accessToken: string, status: number) => {
    if (status !== 401) unproven.delete(accessToken);
  };
  return {
    async onRequest({ request }) {
      const token = await auth.getToken({ signal: request.signal });
      // Cloning tees the body; skip it when there is nothing to replay.
      const replay = request.body === null ? undefined : request.clone();
      request.headers.set(header, presentToken(presentation, token));
      sent.set(request, { accessToken: token.accessToken, replay });
      return request;
    },
    async onResponse({ request, response, options }) {
      const state = sent.get(request);
      if (state === undefined) return undefined;
      sent.delete(request);
      settle(state.accessToken, response.status);
      if (response.status !== 401 || unproven.has(state.accessToken)) return undefined;
      await auth.invalidate(state.accessToken);
      const fresh = await auth.getToken({ signal: request.signal });
      if (fresh.accessToken === state.accessToken) return undefined;
      const source = state.replay ?? (request.bodyUsed ? undefined : request);
      if (source === undefined) return undefined;
      unproven.add(fresh.accessToken);
      if (unproven.size > MAX_REPLACEMENTS) unproven.delete(unproven.values().next().value!);
      const replay = new Request(source, {
        headers: new Headers(source.headers),
        signal: request.signal,
      });
      replay.headers.set(header, presentToken(presentation, fresh));
      // Drain the first 401 so its connection can be reused.
      await response.body?.cancel().catch(() => undefined);
      // Unbound: browsers and workerd reject a `fetch` called with another `this`.
      const fetchImpl = options.fetch;
      const replayed = await fetchImpl(replay);
      settle(fresh.accessToken, replayed.status);
      return replayed;
    },
  };
}

/** @deprecated Renamed: use `authMiddleware(auth)`. */
export const createAuthMiddleware: typeof authMiddleware = authMiddleware;

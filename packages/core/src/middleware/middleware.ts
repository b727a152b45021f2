import type { TokenManager } from "../engine/manager.js";
import { booleanOption, checkObject, own } from "../policy/options.js";
import { requireSecureUrl } from "../http/url.js";
import { presentToken, tokenHeaderName } from "../contract/token.js";

/**
 * The openapi-fetch middleware shape, declared here so `@auth/core`'s types compile without
 * openapi-fetch installed (it is an optional peer). Structurally assignable to openapi-fetch's
 * `Middleware`: `client.use(authMiddleware(auth))` type-checks as is.
 */
export interface AuthMiddleware {
  /** Sets the token header (after the URL check); openapi-fetch calls it before sending. */
  onRequest(params: { request: Request }): Promise<Request>;
  /** After a 401: one invalidate-and-replay with a new token; openapi-fetch calls it on each response. */
  onResponse(params: {
    request: Request;
    response: Response;
    options: { fetch: (input: Request) => Promise<Response> };
  }): Promise<Response | undefined>;
}

interface Sent {
  readonly accessToken: string;
  /** A copy taken before sending, so a request with a body can be replayed or redirected. */
  readonly replay: Request | undefined;
  /** The caller asked fetch to follow redirects: the middleware follows them itself. */
  readonly follow: boolean;
}

/** Options of `authMiddleware` and `authFetch`. */
export interface AuthMiddlewareOptions {
  /** Allow API calls over plain http to non-loopback hosts (only for trusted networks). */
  readonly allowInsecureHttp?: boolean;
}

/** Enough to remember the replacements of a burst of rejected tokens. */
const MAX_REPLACEMENTS = 16;
/** Fetch's own limit on redirects. */
const MAX_REDIRECTS = 20;
const REDIRECTS = [301, 302, 303, 307, 308];

/**
 * openapi-fetch middleware: sets `Authorization` (or the header the spec's `presentation` names)
 * on every request; after a 401, invalidates the token only if it is still the one that was
 * rejected (N concurrent 401s → one new token) and replays the request once with the new token. A
 * second 401 goes back to the caller untouched.
 *
 * The token is guarded like the credentials: a plain-http request to a non-loopback host is
 * refused (`insecure_url`, nothing sent) unless `allowInsecureHttp: true`, and the token header
 * is only ever sent to the origin it was set for — on the first attempt and on the replay. fetch
 * itself drops `Authorization` on a redirect to another origin; a custom presentation header it
 * would carry along, so for those the middleware follows redirects itself and drops the header
 * when the origin changes. Where the runtime hides redirects (a browser's opaque redirect), the
 * request is sent again without the token and left to the browser to follow.
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
  options: AuthMiddlewareOptions = {},
): AuthMiddleware {
  checkObject(options);
  const allowInsecureHttp = booleanOption(
    "allowInsecureHttp",
    own(options, "allowInsecureHttp", options.allowInsecureHttp),
  );
  const presentation = auth.presentation;
  const header = tokenHeaderName(presentation);
  const sent = new WeakMap<Request, Sent>();
  /** Tokens obtained after a 401 that have not yet been accepted by the API. */
  const unproven = new Set<string>();
  const secure = new Set<string>();
  const settle = (accessToken: string, status: number) => {
    if (status !== 401) unproven.delete(accessToken);
  };

  /**
   * Follows the redirects of `response` (to `request`, sent with redirect: manual) as fetch would,
   * keeping the token header only while the target is the origin the token was set for. `body`
   * is an unread copy of the request, for a 307/308 that re-sends it.
   */
  async function follow(
    fetchImpl: (input: Request) => Promise<Response>,
    request: Request,
    first: Response,
    body: Request | undefined,
  ): Promise<Response> {
    const origin = new URL(request.url).origin;
    let current = request;
    let response = first;
    for (let hops = 0; hops < MAX_REDIRECTS; hops++) {
      if (response.type === "opaqueredirect") {
        // The runtime will not show where it goes: send it again without the token.
        const headers = new Headers(current.headers);
        headers.delete(header);
        return fetchImpl(new Request(current, { headers, redirect: "follow" }));
      }
      const location = response.headers.get("location");
      if (!REDIRECTS.includes(response.status) || location === null) return response;
      const target = new URL(location, current.url);
      requireSecureUrl(target.href, "redirect target", allowInsecureHttp);
      const toGet =
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && current.method === "POST");
      const headers = new Headers(current.headers);
      if (target.origin !== origin) {
        headers.delete(header);
        headers.delete("authorization");
        headers.delete("cookie");
      }
      if (toGet) for (const name of ["content-type", "content-length"]) headers.delete(name);
      await response.body?.cancel().catch(() => undefined);
      current = new Request(target, {
        method: toGet ? "GET" : current.method,
        headers,
        body: toGet || body === undefined ? null : body.clone().body,
        redirect: "manual",
        signal: request.signal,
        // Node's fetch needs this for a streamed body; browsers ignore it.
        ...(toGet || body === undefined ? {} : { duplex: "half" }),
      } as RequestInit);
      response = await fetchImpl(current);
    }
    return response;
  }

  return {
    async onRequest({ request }) {
      // Nothing is sent, and no token fetched, for a URL the token must not travel to.
      // A URL found secure once is not parsed again (exact strings, at most 64): parsing is about
      // half of what this middleware adds to a request.
      if (!secure.has(request.url)) {
        requireSecureUrl(request.url, "request URL", allowInsecureHttp);
        if (secure.size > 63) secure.clear();
        secure.add(request.url);
      }
      const token = await auth.getToken({ signal: request.signal });
      // Cloning tees the body; skip it when there is nothing to replay.
      const replay = request.body === null ? undefined : request.clone();
      request.headers.set(header, presentToken(presentation, token));
      // fetch drops Authorization itself on a redirect to another origin (Fetch standard); a
      // custom presentation header it would carry along, so those redirects are followed here.
      // Only then is a new Request built (it costs tens of µs per call).
      const follow = header !== "authorization" && request.redirect === "follow";
      const guarded = follow ? new Request(request, { redirect: "manual" }) : request;
      sent.set(guarded, { accessToken: token.accessToken, replay, follow });
      return guarded;
    },
    async onResponse({ request, response, options }) {
      const state = sent.get(request);
      if (state === undefined) return undefined;
      sent.delete(request);
      // Unbound: browsers and workerd reject a `fetch` called with another `this`.
      const fetchImpl = options.fetch;
      let final = response;
      let followed = false;
      if (
        state.follow &&
        (REDIRECTS.includes(response.status) || response.type === "opaqueredirect")
      ) {
        final = await follow(fetchImpl, request, response, state.replay);
        followed = true;
      }
      settle(state.accessToken, final.status);
      if (final.status !== 401 || unproven.has(state.accessToken))
        return followed ? final : undefined;
      await auth.invalidate(state.accessToken);
      const fresh = await auth.getToken({ signal: request.signal });
      if (fresh.accessToken === state.accessToken) return followed ? final : undefined;
      const source = state.replay ?? (request.bodyUsed ? undefined : request);
      if (source === undefined) return followed ? final : undefined;
      unproven.add(fresh.accessToken);
      if (unproven.size > MAX_REPLACEMENTS) unproven.delete(unproven.values().next().value!);
      const headers = new Headers(source.headers);
      headers.set(header, presentToken(presentation, fresh));
      // Taken before `source` is consumed: a redirected replay sends its body again.
      const redirectBody = state.follow ? state.replay?.clone() : undefined;
      const replay = new Request(source, {
        headers,
        signal: request.signal,
        redirect: state.follow ? "manual" : source.redirect,
      });
      // Drain the first 401 so its connection can be reused.
      await final.body?.cancel().catch(() => undefined);
      const answered = await fetchImpl(replay);
      const replayed = state.follow
        ? await follow(fetchImpl, replay, answered, redirectBody)
        : answered;
      settle(fresh.accessToken, replayed.status);
      return replayed;
    },
  };
}

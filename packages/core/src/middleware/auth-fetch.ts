import type { TokenManager } from "../engine/manager.js";
import { type AuthMiddlewareOptions, authMiddleware } from "./middleware.js";

/** What `authFetch` needs of a `fetch`: a Request in, a Response out. */
export type FetchLike = (input: Request) => Promise<Response>;

/** A `fetch` with the token: same arguments, same result. */
export type AuthFetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/**
 * A `fetch`-compatible function that carries the token, for code that does not use openapi-fetch:
 * plain `fetch`, ky (`ky.create({ fetch: authFetch(auth) })`), or anything that accepts a `fetch`.
 * It is the middleware's behaviour around one call, with the same guarantees:
 * - the token header the spec's `presentation` names, with its scheme;
 * - plain http only to loopback hosts unless `allowInsecureHttp: true` (`insecure_url`, nothing
 *   sent, no token fetched);
 * - the token never reaches another origin, on a redirect either;
 * - after a 401, the rejected token is invalidated (once for N concurrent 401s) and the request
 *   is sent once more with a new token; a second 401 is returned as is;
 * - a request body is copied before sending, so the replay sends it again (a `ReadableStream`
 *   body is teed, as `Request.clone()` does).
 *
 * `fetch` defaults to the global one, looked up at each call (so a test can replace it), and is
 * called unbound (browsers and workerd reject a `fetch` called with another `this`). Create one per
 * client, like the middleware: it remembers which of its tokens were rejected.
 *
 * @example
 * import { authFetch, createAuth } from "@auth/alternative-payments";
 * const auth = createAuth({ clientId, clientSecret });
 * const api = authFetch(auth);
 * const response = await api("https://api.example.com/v1/payments", { method: "POST", body });
 */
export function authFetch(
  auth: Pick<TokenManager<unknown>, "getToken" | "invalidate" | "presentation">,
  fetch?: FetchLike,
  options?: AuthMiddlewareOptions,
): AuthFetch {
  if (fetch !== undefined && typeof fetch !== "function")
    throw new TypeError("authFetch: `fetch` must be a function");
  const middleware = authMiddleware(auth, options);
  const send: FetchLike = fetch ?? ((request) => globalThis.fetch(request));
  return async (input, init) => {
    const request = await middleware.onRequest({ request: new Request(input, init) });
    const response = await send(request);
    return (
      (await middleware.onResponse({ request, response, options: { fetch: send } })) ?? response
    );
  };
}

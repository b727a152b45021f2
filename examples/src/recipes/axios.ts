/**
 * Recipe: axios with the token manager, with the guarantees `authMiddleware` and `authFetch` give.
 * Copy this file into your service: `withAuth(axios.create({ baseURL }), auth)`.
 *
 * - the token header the spec's `presentation` names (`auth.tokenHeader`), with the value
 *   `auth.getAuthorizationHeader()` would give;
 * - plain http only to loopback hosts unless `allowInsecureHttp: true` (`insecure_url`, nothing
 *   sent, no token fetched);
 * - never to another origin: on a redirect (Node's follow-redirects) to another origin the token
 *   header is removed; axios (through follow-redirects) already drops `Authorization` there, but
 *   not a custom header;
 * - after a 401, the rejected token is invalidated (once for N concurrent 401s: `invalidate`
 *   drops it only while it is still the current one) and the request is sent once more with a new
 *   token; a second 401 is returned to the caller as axios returns it;
 * - the body is replayable: axios keeps `config.data` (a stream body cannot be sent twice: the
 *   replay is skipped for one, and the 401 is returned).
 */
import type { AxiosError, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from "axios";
import { AuthError, AuthErrorCode, type TokenManager } from "@auth/alternative-payments";

type Auth = Pick<TokenManager<unknown>, "getToken" | "invalidate" | "tokenHeader" | "presentation">;

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * Marks a replay. A config property, not a WeakMap entry: `client.request(config)` merges the
 * config into a new object, which keeps its properties.
 */
const REPLAYED = "authReplayed";

export function withAuth(
  client: AxiosInstance,
  auth: Auth,
  options: { readonly allowInsecureHttp?: boolean } = {},
): AxiosInstance {
  /** The token each request was sent with. */
  const sent = new WeakMap<InternalAxiosRequestConfig, string>();
  const header = auth.tokenHeader;

  const guard = (url: URL, what: string) => {
    if (
      url.protocol !== "https:" &&
      !(url.protocol === "http:" && (options.allowInsecureHttp || LOOPBACK.test(url.hostname)))
    )
      throw new AuthError(
        AuthErrorCode.InsecureUrl,
        `${what} must use https (plain http only for loopback hosts); got ${url.protocol}//${url.host}`,
      );
  };

  client.interceptors.request.use(async (config) => {
    const target = new URL(client.getUri(config));
    guard(target, "request URL");
    const token = await auth.getToken({
      ...(config.signal ? { signal: config.signal as AbortSignal } : {}),
    });
    // What getAuthorizationHeader() sends, built from this very token (so a refresh in between
    // cannot make the header and the remembered token differ).
    const scheme = auth.presentation.scheme ?? token.tokenType;
    config.headers.set(header, scheme ? `${scheme} ${token.accessToken}` : token.accessToken);
    sent.set(config, token.accessToken);
    const origin = target.origin;
    // Node: follow-redirects calls this before each hop; the token stays on its origin.
    const previous = config.beforeRedirect;
    config.beforeRedirect = (next, ...rest) => {
      const hop = next as {
        protocol?: string;
        hostname?: string;
        port?: string | number;
        headers?: Record<string, unknown>;
      };
      const url = new URL(`${hop.protocol}//${hop.hostname}${hop.port ? `:${hop.port}` : ""}`);
      guard(url, "redirect target");
      if (url.origin !== origin && hop.headers)
        for (const name of Object.keys(hop.headers))
          if (name.toLowerCase() === header || name.toLowerCase() === "authorization")
            delete hop.headers[name];
      previous?.(next, ...rest);
    };
    return config;
  });

  client.interceptors.response.use(undefined, async (error: AxiosError) => {
    const config = error.config;
    const rejected = config && sent.get(config);
    if (error.response?.status !== 401 || !config || !rejected || REPLAYED in config) throw error;
    const data: unknown = config.data;
    if (
      data !== null &&
      typeof data === "object" &&
      typeof (data as { pipe?: unknown }).pipe === "function"
    )
      throw error; // a stream was consumed by the first send
    await auth.invalidate(rejected);
    const fresh = await auth.getToken();
    if (fresh.accessToken === rejected) throw error;
    return client.request({
      ...config,
      [REPLAYED]: true,
    } as typeof config) as Promise<AxiosResponse>;
  });
  return client;
}

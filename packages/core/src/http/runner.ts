import { AuthError, AuthErrorCode } from "../contract/errors.js";
import type { TokenExchange } from "../contract/exchange.js";
import type { StoredToken } from "../contract/token.js";
import type { Policies } from "../policy/options.js";
import type { CredentialValues } from "../secrets/credentials.js";
import { buildTokenRequest, type Grant, type TokenRequestSender } from "./request.js";
import { parseTokenResponse } from "./response.js";

/** What an attempt needs that every tenant of a provider shares (an `Engine` is one). */
export interface RunnerSetup {
  readonly exchange: TokenExchange;
  readonly baseUrl: string;
  readonly send: TokenRequestSender;
  readonly fetch: typeof globalThis.fetch;
  readonly clock: () => number;
  readonly policies: Policies;
}

/** What an attempt needs from the one tenant it is for. */
export interface AttemptCall {
  /** Credential values, in the order of `exchange.credentials`. */
  readonly credentials: CredentialValues;
  readonly scope: string | undefined;
  readonly grant: Grant;
  /** Aborted by the manager's `close()`: ends the attempt at once. */
  readonly closed: AbortSignal;
  /** Scrubs secrets from provider text before it is cut into an error message. */
  readonly redact: (text: string) => string;
}

const noop = () => undefined;

/**
 * Sends one attempt of a token request and returns the token, or throws a typed `AuthError`,
 * whatever sends it (core's fetch or a generated package's openapi-fetch call):
 * - every fetch it makes refuses redirects and carries the attempt's signal explicitly, so neither
 *   a `Request` built by a sender nor garbage collection can drop them;
 * - the timeout covers headers and body, and cancels the body reader itself rather than relying
 *   on the signal reaching the socket;
 * - the body is read incrementally and cancelled past `maxResponseBytes`.
 */
export async function runAttempt(
  setup: RunnerSetup,
  call: AttemptCall,
  timeoutMs: number,
): Promise<StoredToken> {
  const { exchange, clock, policies } = setup;
  const { closed, grant } = call;
  const provider = exchange.provider;
  // Called unbound: browsers and workerd reject a `fetch` whose `this` is not the global object
  // ("Illegal invocation"), and `setup.fetch(…)` would make `this` the setup object.
  const fetchImpl = setup.fetch;
  const controller = new AbortController();
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onClose: (() => void) | undefined;
  const startedAt = clock();
  const request = buildTokenRequest(
    exchange,
    call.credentials,
    setup.baseUrl,
    grant,
    call.scope,
    controller.signal,
  );
  const guardedFetch: typeof globalThis.fetch = (input, init) =>
    fetchImpl(input, { ...init, redirect: "manual", signal: controller.signal });

  const work = (async () => {
    const ready = exchange.prepare
      ? await exchange.prepare(request, { exchange, credentials: call.credentials, now: startedAt })
      : request;
    const response = await setup.send(ready, guardedFetch);
    refuseRedirect(response, request.url, provider);
    const text = await readCapped(response, policies.maxResponseBytes, provider, (r) => {
      reader = r;
      // The deadline may have passed while headers arrived from a sender that ignores signals.
      if (timedOut || closed.aborted) void r.cancel().catch(noop);
    });
    return parseTokenResponse(
      { status: response.status, headers: response.headers, text },
      {
        exchange,
        primary: !grant.refreshToken,
        startedAt,
        receivedAt: clock(),
        timing: policies.timing,
        retry: policies.retry,
        redact: call.redact,
      },
    );
  })();
  work.catch(noop);
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new Error("attempt timed out"));
    }, timeoutMs);
    (timer as { unref?: () => void }).unref?.();
    onClose = () => reject(new Error("closed"));
    closed.addEventListener("abort", onClose, { once: true });
    if (closed.aborted) onClose();
  });
  deadline.catch(noop);

  try {
    return await Promise.race([work, deadline]);
  } catch (caught) {
    controller.abort();
    void reader?.cancel().catch(noop);
    if (AuthError.isInstance(caught)) throw caught;
    if (closed.aborted) throw closedError(provider);
    if (timedOut)
      throw new AuthError(
        AuthErrorCode.Timeout,
        `${provider} token endpoint did not answer within ${timeoutMs} ms (headers and body). Check connectivity or raise retry.attemptTimeoutMs`,
        { provider, cause: caught },
      );
    throw new AuthError(
      AuthErrorCode.Network,
      `could not reach ${provider} token endpoint (${networkReason(caught)}). Check baseUrl and connectivity`,
      { provider, cause: caught },
    );
  } finally {
    clearTimeout(timer);
    if (onClose) closed.removeEventListener("abort", onClose);
  }
}

export function closedError(provider: string): AuthError {
  return new AuthError(
    AuthErrorCode.Closed,
    `the ${provider} token manager was closed; create a new one to get tokens`,
    { provider },
  );
}

/**
 * A redirect could carry credentials to another origin, so it is an error, never followed. Covers
 * a 3xx, a browser's opaque redirect (status 0), and a custom fetch that followed one anyway.
 */
function refuseRedirect(response: Response, requestUrl: string, provider: string): void {
  const status = response.status;
  const followed =
    response.redirected ||
    (response.url !== "" && safeOrigin(response.url) !== safeOrigin(requestUrl));
  if (!(status >= 300 && status <= 399) && response.type !== "opaqueredirect" && !followed) return;
  void response.body?.cancel().catch(noop);
  const location = response.headers.get("location");
  const target = followed
    ? safeOrigin(response.url)
    : location === null
      ? undefined
      : safeOrigin(location, requestUrl);
  throw new AuthError(
    AuthErrorCode.Redirect,
    `${provider} token endpoint ${followed ? "was reached through a redirect" : `answered ${status || "a redirect"}`}${target ? ` to ${target}` : ""}. Redirects are never followed (they could carry credentials to another host): point baseUrl at the final token endpoint`,
    { provider, status: status || undefined },
  );
}

/** Origin only: never a path or query string, which may hold a token. */
function safeOrigin(url: string, base?: string): string | undefined {
  try {
    const origin = new URL(url, base).origin;
    return origin === "null" ? undefined : origin;
  } catch {
    return undefined;
  }
}

async function readCapped(
  response: Response,
  maxBytes: number,
  provider: string,
  onReader: (reader: ReadableStreamDefaultReader<Uint8Array>) => void,
): Promise<string> {
  const tooLarge = () =>
    new AuthError(
      AuthErrorCode.ResponseTooLarge,
      `${provider} token endpoint sent a body over ${maxBytes} bytes; it was cancelled. Check baseUrl, or raise maxResponseBytes`,
      { provider, status: response.status },
    );
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) {
    void response.body?.cancel().catch(noop);
    throw tooLarge();
  }
  if (response.body === null) return "";
  const reader = response.body.getReader();
  onReader(reader);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      void reader.cancel().catch(noop);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function networkReason(error: unknown): string {
  // fetch hides the cause: TypeError "fetch failed" → Error (or AggregateError) with the code.
  let reason = (error as Error | undefined)?.name ?? String(error);
  for (
    let cause = error as
        { code?: unknown; cause?: unknown; message?: unknown; errors?: unknown[] } | undefined,
      depth = 0;
    cause && typeof cause === "object" && depth < 5;
    cause = (cause.cause ?? cause.errors?.[0]) as typeof cause, depth++
  ) {
    if (typeof cause.code === "string") return cause.code;
    if (depth > 0 && typeof cause.message === "string" && cause.message)
      reason = cause.message.slice(0, 120);
  }
  return reason;
}

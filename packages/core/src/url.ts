import { AuthError, AuthErrorCode } from "./errors.js";

/** Loopback hosts where plain http is allowed: tests and local emulators. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Parses a URL and requires https (http only on loopback, unless `allowInsecureHttp`). Credentials
 * never travel in clear text to a remote host by accident.
 */
export function requireSecureUrl(
  value: string,
  optionName: string,
  allowInsecureHttp = false,
): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AuthError(
      AuthErrorCode.InvalidOptions,
      `${optionName} is not an absolute URL; pass something like "https://api.example.com"`,
    );
  }
  if (url.username !== "" || url.password !== "") {
    throw new AuthError(
      AuthErrorCode.InvalidOptions,
      `${optionName} must not embed credentials; pass them as options instead`,
    );
  }
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && (allowInsecureHttp || isLoopbackHost(url.hostname))) return url;
  throw new AuthError(
    AuthErrorCode.InsecureUrl,
    `${optionName} must use https (http is allowed only for loopback hosts); got ${url.protocol}//${url.host}. Set allowInsecureHttp: true only for trusted networks`,
  );
}

/** Joins a base URL and an operation path without doubling or dropping slashes. */
export function joinUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, "") + "/" + path.replace(/^\/+/, "");
}

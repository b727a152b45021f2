import { AuthError, AuthErrorCode } from "../contract/errors.js";

/** Loopback hosts where plain http is allowed: tests and local emulators. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Parses a URL and requires https (http only on loopback, unless `allowInsecureHttp`), so
 * credentials never travel in clear text to a remote host by accident.
 */
export function requireSecureUrl(
  value: string,
  optionName: string,
  allowInsecureHttp?: boolean,
): URL {
  let url: URL;
  try {
    // "localhost:4010" parses as the scheme "localhost:": a URL needs "scheme://".
    if (!/^[a-z][a-z\d+.-]*:\/\//i.test(value)) throw new TypeError();
    url = new URL(value);
  } catch {
    throw new AuthError(
      AuthErrorCode.InvalidOptions,
      `${optionName} is not a URL: write it absolute, with its scheme, like "https://api.example.com" (or "http://localhost:4280" for a local emulator)`,
    );
  }
  if (url.username || url.password)
    throw new AuthError(
      AuthErrorCode.InvalidOptions,
      `${optionName} must not embed credentials; pass them as options`,
    );
  if (
    url.protocol !== "https:" &&
    !(url.protocol === "http:" && (allowInsecureHttp || isLoopbackHost(url.hostname)))
  ) {
    throw new AuthError(
      AuthErrorCode.InsecureUrl,
      `${optionName} must use https (plain http only for loopback hosts, or with allowInsecureHttp: true on trusted networks); got ${url.protocol}//${url.host}`,
    );
  }
  return url;
}

/** Joins a base URL and an operation path without doubling or dropping slashes. */
export function joinUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, "") + "/" + path.replace(/^\/+/, "");
}

import { AuthError, AuthErrorCode } from "../contract/errors.js";

/**
 * `Basic base64(utf8(username:password))` (RFC 7617 with charset UTF-8). Unlike a bare `btoa`,
 * works for any Unicode secret.
 */
export function basicAuthorization(username: string, password: string): string {
  if (username.includes(":")) {
    throw new AuthError(
      AuthErrorCode.InvalidOptions,
      'the Basic user name (client id) contains ":", which HTTP Basic cannot carry; check the value you passed',
    );
  }
  return `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(`${username}:${password}`)))}`;
}

/** Decodes base64url (JWT segments) to a string; undefined when malformed. */
export function decodeBase64Url(segment: string): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(
      Uint8Array.from(atob(segment.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)),
    );
  } catch {
    return undefined;
  }
}

import { AuthError, AuthErrorCode } from "./errors.js";

/**
 * `Basic base64(utf8(username:password))` (RFC 7617 with charset UTF-8). Unlike a bare `btoa`,
 * works for any Unicode secret.
 */
export function basicAuthorization(username: string, password: string, optionName: string): string {
  if (username.includes(":")) {
    throw new AuthError(
      AuthErrorCode.InvalidOptions,
      `${optionName} contains ":", which HTTP Basic cannot carry in a user name; check the value you passed`,
    );
  }
  const bytes = new TextEncoder().encode(`${username}:${password}`);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

/** Decodes base64url (JWT segments) to a string; undefined when malformed. */
export function decodeBase64Url(segment: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) return undefined;
  const base64 = segment.replaceAll("-", "+").replaceAll("_", "/");
  try {
    const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

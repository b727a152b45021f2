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

/** Bytes as base64 (RFC 4648 §4), for signatures and digests. */
export function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * The DER bytes of a PEM block with this label (`PRIVATE KEY`, `PUBLIC KEY`); undefined when the
 * text holds no such block or it is not base64.
 */
export function pemBytes(text: string, label: string): Uint8Array<ArrayBuffer> | undefined {
  const block = new RegExp(
    `-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`,
  ).exec(text);
  try {
    return block
      ? Uint8Array.from(atob(block[1]!.replace(/\s+/g, "")), (c) => c.charCodeAt(0))
      : undefined;
  } catch {
    return undefined;
  }
}

import { AuthError, AuthErrorCode } from "../contract/errors.js";
import type { ComputedValue, RequestStep } from "../contract/exchange.js";
import { encodeBody } from "./request.js";
import { base64, pemBytes } from "../secrets/encoding.js";

const encoder = new TextEncoder();

function encode(bytes: ArrayBuffer | Uint8Array, encoding: ComputedValue["encoding"]): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return encoding === "base64"
    ? base64(view)
    : Array.from(view, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The provider's RSA public key: an SPKI PEM (`BEGIN PUBLIC KEY`). The error names the option only. */
async function publicKey(pem: string, name: string, hash: string): Promise<CryptoKey> {
  const der = pemBytes(pem, "PUBLIC KEY");
  try {
    if (!der) throw new Error();
    return await crypto.subtle.importKey("spki", der, { name: "RSA-OAEP", hash }, false, [
      "encrypt",
    ]);
  } catch {
    throw new AuthError(
      AuthErrorCode.InvalidOptions,
      `${name} is not an RSA public key: pass the provider's key as a PEM ("-----BEGIN PUBLIC KEY-----")`,
    );
  }
}

/**
 * Computes the spec's `computed` values for one request, in order, and puts each where it goes:
 * timestamps from the manager's clock, nonces, hashes and HMACs of a message built from
 * credentials and earlier values, values encrypted with the provider's RSA public key (OAEP).
 * `{body}` in a header's message is the request body exactly as it is sent.
 */
export const computeValues: RequestStep = async (request, { exchange, credentials, now }) => {
  const named: Record<string, string> = Object.create(null);
  exchange.credentials.forEach((c, i) => {
    if (credentials[i] !== undefined) named[c.name] = credentials[i]!;
  });
  const headers = { ...request.headers };
  const form = request.form && { ...request.form };
  for (const value of exchange.computed ?? []) {
    const message = (value.message ?? "").replace(/\{([^{}]*)\}/g, (_, name: string) =>
      name === "body" ? String(encodeBody({ ...request, form }) ?? "") : (named[name] ?? ""),
    );
    const hash = value.algorithm ?? "SHA-256";
    const key = value.key === undefined ? "" : (named[value.key] ?? "");
    let result: string;
    if (value.kind === "timestamp")
      result =
        value.format === "iso8601"
          ? new Date(now).toISOString()
          : String(value.format === "unix-milliseconds" ? now : Math.floor(now / 1000));
    else if (value.kind === "nonce")
      result = encode(crypto.getRandomValues(new Uint8Array(16)), "hex");
    else if (value.kind === "hash")
      result = encode(await crypto.subtle.digest(hash, encoder.encode(message)), value.encoding);
    else if (value.kind === "hmac") {
      const secret = await crypto.subtle.importKey(
        "raw",
        encoder.encode(key),
        { name: "HMAC", hash },
        false,
        ["sign"],
      );
      result = encode(
        await crypto.subtle.sign("HMAC", secret, encoder.encode(message)),
        value.encoding,
      );
    } else {
      const rsa = await publicKey(key, value.key ?? "key", hash);
      result = encode(
        await crypto.subtle.encrypt({ name: "RSA-OAEP" }, rsa, encoder.encode(message)),
        value.encoding ?? "base64",
      );
    }
    named[value.name] = result;
    if (value.in === "header") headers[value.field!.toLowerCase()] = result;
    else if (value.in === "body" && form) form[value.field!] = result;
  }
  return { ...request, headers, form };
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const VERSION = "v1";

function subtle(): SubtleCrypto {
  const found = globalThis.crypto?.subtle;
  if (!found) throw new Error("@auth/redis needs Web Crypto (globalThis.crypto.subtle)");
  return found;
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/**
 * HMAC-SHA-256 under a key derived from secret material: key names and token digests. Without the
 * secret (or `encryptionKey`), a reader of Redis can neither link a key to a client id nor confirm
 * a token it holds.
 */
export async function createNamer(material: string): Promise<(text: string) => Promise<string>> {
  const key = await subtle().importKey(
    "raw",
    await subtle().digest("SHA-256", encoder.encode(`@auth/redis names\n${material}`)),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return async (text) => {
    const bytes = new Uint8Array(await subtle().sign("HMAC", key, encoder.encode(text)));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  };
}

/**
 * AES-256-GCM key derived with HKDF-SHA-256 from secret key material (the client's secrets, or a
 * key the user gave), bound to one manager's identity through `info`.
 */
export async function deriveKey(material: string, info: string): Promise<CryptoKey> {
  const base = await subtle().importKey("raw", encoder.encode(material), "HKDF", false, [
    "deriveKey",
  ]);
  return subtle().deriveKey(
    {
      name: "HKDF",
      hash: "SHA-256",
      salt: encoder.encode("@auth/redis token store"),
      info: encoder.encode(info),
    },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/**
 * Encrypts `plaintext`; the Redis key name is the additional authenticated data, so a value copied
 * to another key does not decrypt.
 */
export async function seal(key: CryptoKey, plaintext: string, keyName: string): Promise<string> {
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(
    await subtle().encrypt(
      { name: "AES-GCM", iv, additionalData: encoder.encode(keyName) },
      key,
      encoder.encode(plaintext),
    ),
  );
  return `${VERSION}.${toBase64(iv)}.${toBase64(sealed)}`;
}

/** Decrypts what `seal` wrote; undefined when it was written under another key or tampered with. */
export async function open(
  key: CryptoKey,
  value: unknown,
  keyName: string,
): Promise<string | undefined> {
  if (typeof value !== "string") return undefined;
  const [version, iv, sealed] = value.split(".");
  if (version !== VERSION || !iv || !sealed) return undefined;
  try {
    const plain = await subtle().decrypt(
      { name: "AES-GCM", iv: fromBase64(iv), additionalData: encoder.encode(keyName) },
      key,
      fromBase64(sealed),
    );
    return decoder.decode(plain);
  } catch {
    return undefined;
  }
}

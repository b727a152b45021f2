import {
  constants,
  createHash,
  createHmac,
  generateKeyPairSync,
  privateDecrypt,
} from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { TokenExchange } from "../contract/exchange.js";
import { createTokenManager } from "../engine/manager.js";
import { startServer } from "../test-support/http-server.js";
import { computeValues } from "./computed.js";

// A payment provider written by hand from the patterns such providers document: a timestamp and a
// nonce header, an HMAC-SHA256 checksum over the client id, timestamp and nonce keyed by the
// secret, a SHA-512 digest of the body with a salt, and `clientId.timestamp` encrypted with the
// provider's RSA public key (OAEP, SHA-1 as one such provider publishes it). It recomputes and
// decrypts each with node:crypto, not the Web Crypto code that made them. Real HTTP on 127.0.0.1.
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const provider = generateKeyPairSync("rsa", { modulusLength: 2048 });
const providerPublicPem = provider.publicKey.export({ type: "spki", format: "pem" }) as string;

const exchange: TokenExchange = {
  provider: "checksum-pay",
  tokenPath: "/v1/token",
  bodyEncoding: "json",
  credentials: [
    { name: "clientId", secret: false, required: true, in: "body", field: "clientId" },
    { name: "clientSecret", secret: true, required: true, in: "none" },
    { name: "salt", secret: true, required: true, in: "none" },
    { name: "providerKey", secret: false, required: true, in: "none" },
  ],
  grant: "client_credentials",
  response: { accessToken: "access_token" },
  expiry: { field: "expires_in", kind: "relative-seconds" },
  computed: [
    { name: "timestamp", in: "header", field: "X-Timestamp", kind: "timestamp" },
    { name: "nonce", in: "header", field: "X-Nonce", kind: "nonce" },
    {
      name: "checksum",
      in: "body",
      field: "checksum",
      kind: "hmac",
      algorithm: "SHA-256",
      key: "clientSecret",
      message: "{clientId}|{timestamp}|{nonce}",
    },
    {
      name: "verify",
      in: "header",
      field: "X-Verify",
      kind: "hash",
      algorithm: "SHA-512",
      encoding: "base64",
      message: "{body}/v1/token{salt}",
    },
    {
      name: "signature",
      in: "header",
      field: "X-Signature",
      kind: "rsa-oaep",
      algorithm: "SHA-1",
      key: "providerKey",
      message: "{clientId}.{timestamp}",
    },
  ],
  prepare: computeValues,
};

describe("computed request values, checked by a hand-written provider", () => {
  it("sends each value where the spec says, and the provider can verify every one", async () => {
    const seen: { headers: Record<string, unknown>; body: string }[] = [];
    const server = await startServer((request, response, body) => {
      seen.push({ headers: request.headers, body });
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ access_token: `t${seen.length}`, expires_in: 60 }));
    });
    close = server.close;
    let now = 1_800_000_000_000;
    const secret = { clientSecret: "Hmac-Secret-1", salt: "Salt-Value-9" };
    const auth = createTokenManager({
      exchange,
      credentials: { clientId: "cp-1", ...secret, providerKey: providerPublicPem },
      baseUrl: server.url,
      clock: () => now,
    });
    await auth.getToken();
    now += 61_000;
    await auth.getToken();
    expect(seen).toHaveLength(2);
    seen.forEach(({ headers, body }, index) => {
      const timestamp = String(Math.floor((1_800_000_000_000 + index * 61_000) / 1000));
      expect(headers["x-timestamp"]).toBe(timestamp);
      const nonce = headers["x-nonce"] as string;
      expect(nonce).toMatch(/^[0-9a-f]{32}$/);
      const form = JSON.parse(body) as Record<string, string>;
      expect(form.checksum).toBe(
        createHmac("sha256", secret.clientSecret)
          .update(`cp-1|${timestamp}|${nonce}`)
          .digest("hex"),
      );
      expect(headers["x-verify"]).toBe(
        createHash("sha512").update(`${body}/v1/token${secret.salt}`).digest("base64"),
      );
      const decrypted = privateDecrypt(
        { key: provider.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" },
        Buffer.from(headers["x-signature"] as string, "base64"),
      ).toString();
      expect(decrypted).toBe(`cp-1.${timestamp}`);
      // Secrets reach the wire only through their digests.
      expect(JSON.stringify(headers) + body).not.toContain(secret.clientSecret);
      expect(JSON.stringify(headers) + body).not.toContain(secret.salt);
    });
    expect(seen[0]!.headers["x-nonce"]).not.toBe(seen[1]!.headers["x-nonce"]);
    await auth.close();
  });

  it("is invalid_options for a provider key that is not an RSA public key, with nothing sent", async () => {
    const server = await startServer((_request, response) => void response.end("{}"));
    close = server.close;
    const auth = createTokenManager({
      exchange,
      credentials: {
        clientId: "cp-1",
        clientSecret: "s",
        salt: "s",
        providerKey: "-----BEGIN PUBLIC KEY-----\nnot-a-key\n-----END PUBLIC KEY-----",
      },
      baseUrl: server.url,
    });
    await expect(auth.getToken()).rejects.toMatchObject({
      code: "invalid_options",
      message: expect.stringContaining("providerKey is not an RSA public key"),
    });
    expect(server.requests).toBe(0);
  });
});

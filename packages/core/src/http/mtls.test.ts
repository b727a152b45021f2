import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, fetch as undiciFetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TokenExchange } from "../contract/exchange.js";
import { createTokenManager } from "../engine/manager.js";

// Client certificates (RFC 8705 tls_client_auth) on Node, as the README documents them: undici's
// fetch with an Agent that presents the certificate, passed as the manager's `fetch`. Against a
// real TLS server (node:https, requestCert) that refuses a connection without a certificate its CA
// signed. Certificates are made here with Debian's openssl.
let dir: string;
let server: Server;
let baseUrl: string;
const files: Record<string, string> = {};
const seen: { authorized: boolean; subject: string | undefined; body: string }[] = [];

function openssl(...args: string[]) {
  execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
}

/** A CA, a server certificate for 127.0.0.1, and client certificates from that CA and another. */
function makeCertificates() {
  dir = mkdtempSync(join(tmpdir(), "auth-mtls-"));
  const ca = (name: string) => {
    openssl(
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.crt`,
      "-days",
      "2",
      "-subj",
      `/CN=${name}`,
    );
  };
  const leaf = (name: string, issuer: string, extensions: string) => {
    openssl(
      "req",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${name}`,
    );
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      `${issuer}.crt`,
      "-CAkey",
      `${issuer}.key`,
      "-CAcreateserial",
      "-out",
      `${name}.crt`,
      "-days",
      "2",
      "-extfile",
      `${name}.ext`,
    );
  };
  ca("bank-ca");
  ca("other-ca");
  leaf("server", "bank-ca", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  leaf("merchant-7", "bank-ca", "extendedKeyUsage=clientAuth\n");
  leaf("intruder", "other-ca", "extendedKeyUsage=clientAuth\n");
  for (const name of ["bank-ca", "server", "merchant-7", "intruder"])
    for (const kind of ["key", "crt"])
      files[`${name}.${kind}`] = readFileSync(join(dir, `${name}.${kind}`), "utf8");
}

const exchange: TokenExchange = {
  provider: "bank-mtls",
  tokenPath: "/token",
  credentials: [
    { name: "clientId", secret: false, required: true, in: "body", field: "client_id" },
  ],
  grant: "client_credentials",
  response: { accessToken: "access_token" },
  expiry: { field: "expires_in", kind: "relative-seconds" },
};

/** The documented recipe: undici's fetch, through an Agent that presents the client certificate. */
function clientCertificateFetch(cert?: string, key?: string): typeof globalThis.fetch {
  const dispatcher = new Agent({ connect: { ca: files["bank-ca.crt"], cert, key } });
  return ((input: string | URL | Request, init?: RequestInit) =>
    undiciFetch(input as string, {
      ...(init as object),
      dispatcher,
    })) as unknown as typeof globalThis.fetch;
}

beforeAll(async () => {
  makeCertificates();
  server = createServer(
    {
      key: files["server.key"],
      cert: files["server.crt"],
      ca: files["bank-ca.crt"],
      requestCert: true,
      rejectUnauthorized: true,
    },
    (request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (c: Buffer) => chunks.push(c));
      request.on("end", () => {
        const socket = request.socket as TLSSocket;
        const cn = socket.getPeerCertificate()?.subject?.CN;
        const subject = Array.isArray(cn) ? cn.join(",") : cn;
        seen.push({
          authorized: socket.authorized,
          subject,
          body: Buffer.concat(chunks).toString(),
        });
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ access_token: `tok-for-${subject}`, expires_in: 300 }));
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe("client certificates (mTLS) on Node", () => {
  it("gets a token over a connection authenticated by the client certificate", async () => {
    const auth = createTokenManager({
      exchange,
      credentials: { clientId: "merchant-7" },
      baseUrl,
      fetch: clientCertificateFetch(files["merchant-7.crt"], files["merchant-7.key"]),
    });
    expect((await auth.getToken()).accessToken).toBe("tok-for-merchant-7");
    expect(seen.at(-1)).toEqual({
      authorized: true,
      subject: "merchant-7",
      body: "grant_type=client_credentials&client_id=merchant-7",
    });
    await auth.close();
  });

  it.each([
    ["no client certificate", undefined, undefined],
    ["a certificate from another CA", "intruder.crt", "intruder.key"],
  ])(
    "is a network_error with %s: the server ends the handshake, nothing is read",
    async (_name, cert, key) => {
      const before = seen.length;
      const auth = createTokenManager({
        exchange,
        credentials: { clientId: "merchant-7" },
        baseUrl,
        fetch: clientCertificateFetch(cert && files[cert], key && files[key]),
        retry: { maxAttempts: 1 },
      });
      const error = (await auth.getToken().catch((e: unknown) => e)) as Error;
      expect(error).toMatchObject({ code: "network_error" });
      expect(String(error)).not.toContain("BEGIN");
      expect(seen.length).toBe(before);
      await auth.close();
    },
  );
});

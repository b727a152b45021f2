import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The client the mTLS token server knows (the scenario's alternative-payments credentials). */
export const MTLS_CLIENT = { clientId: "mtls-client", clientSecret: "mtls-secret" };

/**
 * A bank's token endpoint that requires a client certificate (RFC 8705 `tls_client_auth`), for the
 * runtime matrix: certificates made with openssl (a CA, a server certificate for 127.0.0.1, a
 * client certificate), and a `node:https` server with `requestCert` that refuses a connection
 * without a certificate its CA signed. Each runtime's check (mtls-check.mjs) reads the files from
 * `dir` and posts to `url`.
 */
export async function startMtlsServer(): Promise<{
  url: string;
  dir: string;
  /** Token requests answered over a connection with a verified client certificate. */
  issued: () => number;
  close: () => Promise<void>;
}> {
  const dir = await mkdtemp(path.join(tmpdir(), "auth-runtimes-mtls-"));
  const openssl = (...args: string[]) => run("openssl", args, { cwd: dir });
  const key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  await openssl(
    "req",
    "-x509",
    ...key,
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
    "-days",
    "2",
    "-subj",
    "/CN=bank-ca",
  );
  for (const [name, extensions] of [
    // `localhost` too: workerd checks a host name (certificateHost), not an IP address.
    ["server", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"],
    ["client", "extendedKeyUsage=clientAuth\n"],
  ] as const) {
    await openssl(
      "req",
      ...key,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${name}`,
    );
    await writeFile(path.join(dir, `${name}.ext`), extensions);
    await openssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.crt`,
      "-days",
      "2",
      "-extfile",
      `${name}.ext`,
    );
  }
  const file = (name: string) => readFile(path.join(dir, name), "utf8");
  let issued = 0;
  const expected = `Basic ${btoa(`${MTLS_CLIENT.clientId}:${MTLS_CLIENT.clientSecret}`)}`;
  const server = createServer(
    {
      key: await file("server.key"),
      cert: await file("server.crt"),
      ca: await file("ca.crt"),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (request, response) => {
      request.resume();
      request.on("end", () => {
        const verified = (request.socket as TLSSocket).authorized;
        const ok = verified && request.headers.authorization === expected;
        if (ok) issued += 1;
        response.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
        response.end(
          JSON.stringify(
            ok
              ? { access_token: "mtls-token", token_type: "Bearer", expires_in: 3600 }
              : { error: "invalid_client" },
          ),
        );
      });
    },
  );
  // A handshake without a certificate is refused by TLS itself; nothing to log.
  server.on("tlsClientError", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // Never what keeps the matrix's process alive, whatever fails before close().
  server.unref();
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dir,
    issued: () => issued,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

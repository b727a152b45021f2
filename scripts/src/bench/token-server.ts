import { fork } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

export const BENCH_CLIENT = { clientId: "bench-client", clientSecret: "bench-secret" } as const;

/**
 * HTTP Basic as a standards-following provider reads it: base64 of `id:secret`, each part
 * form-urlencoded first (RFC 6749 §2.3.1) or not — decoding a raw value that has no `%` or `+`
 * changes nothing, so both forms are accepted.
 */
function basicCredentialsValid(header: string | undefined): boolean {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? "");
  if (!match) return false;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return false;
  const part = (value: string) => {
    try {
      return decodeURIComponent(value.replace(/\+/g, " "));
    } catch {
      return undefined;
    }
  };
  return (
    part(decoded.slice(0, colon)) === BENCH_CLIENT.clientId &&
    part(decoded.slice(colon + 1)) === BENCH_CLIENT.clientSecret
  );
}

export interface TokenServerOptions {
  /** Fixed latency before answering (default 0). */
  readonly latencyMs?: number;
  /** Lifetime of issued tokens, in seconds (default 3600). */
  readonly lifetimeSeconds?: number;
}

/**
 * A loopback OAuth token endpoint that checks credentials like a real provider (HTTP Basic with the
 * bench client, `grant_type=client_credentials`; anything else is a 401 or 400), counts requests,
 * and remembers when each token it issued expires — so a client that forgot to authenticate, or
 * serves expired tokens, shows up in the numbers.
 */
export async function startTokenServer(options: TokenServerOptions | number = {}) {
  const { latencyMs = 0, lifetimeSeconds = 3600 } =
    typeof options === "number" ? { latencyMs: options } : options;
  let requests = 0;
  let rejected = 0;
  let issued = 0;
  const expiries = new Map<string, number>();
  const server = createServer((request, response) => {
    requests += 1;
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const authorized = basicCredentialsValid(request.headers.authorization);
      const grant = new URLSearchParams(body).get("grant_type");
      if (!authorized || grant !== "client_credentials") {
        rejected += 1;
        response.writeHead(authorized ? 400 : 401, { "content-type": "application/json" });
        response.end(
          JSON.stringify({ error: authorized ? "unsupported_grant_type" : "invalid_client" }),
        );
        return;
      }
      setTimeout(() => {
        issued += 1;
        const accessToken = `token-${issued}`;
        expiries.set(accessToken, Date.now() + lifetimeSeconds * 1000);
        response.writeHead(200, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            access_token: accessToken,
            token_type: "bearer",
            expires_in: lifetimeSeconds,
          }),
        );
      }, latencyMs);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    get requests() {
      return requests;
    },
    /** Requests refused for missing or wrong credentials or grant: any is a benchmark failure. */
    get rejected() {
      return rejected;
    },
    /** Whether `accessToken` was issued here and has expired by now (server clock). */
    expired(accessToken: string): boolean {
      const expiresAt = expiries.get(accessToken);
      return expiresAt === undefined || expiresAt <= Date.now();
    },
    reset() {
      requests = 0;
    },
    /** Throws when a client was refused: its numbers would measure a failure, not a client. */
    assertNoRejections(workload: string) {
      if (rejected > 0)
        throw new Error(
          `${workload}: the token server refused ${rejected} request(s); the client did not authenticate`,
        );
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The token server in a child process: for latency workloads, whose callers would otherwise
 * share an event loop with the server answering them. Counters are read over a control port.
 */
export async function startTokenServerProcess(latencyMs: number) {
  const child = fork(
    fileURLToPath(new URL("./token-server-child.ts", import.meta.url)),
    [String(latencyMs)],
    { execArgv: ["--import", "tsx"], stdio: ["ignore", "pipe", "inherit", "ipc"] },
  );
  const { url, control } = await new Promise<{ url: string; control: string }>(
    (resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split("\n").find((l) => l.startsWith("{"));
        if (line) resolve(JSON.parse(line) as { url: string; control: string });
      });
      child.once("exit", (code) => reject(new Error(`token server exited (${code})`)));
    },
  );
  const stats = async (path = "/stats") =>
    (await (await fetch(`${control}${path}`)).json()) as { requests: number; rejected: number };
  return {
    url,
    stats: () => stats(),
    reset: async () => void (await stats("/reset")),
    async assertNoRejections(workload: string) {
      const { rejected } = await stats();
      if (rejected > 0)
        throw new Error(
          `${workload}: the token server refused ${rejected} request(s); the client did not authenticate`,
        );
    },
    close: async () => {
      child.disconnect();
      if (child.exitCode === null) await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}

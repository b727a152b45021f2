import { type ChildProcess, spawn } from "node:child_process";
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import { createAuth } from "@auth/alternative-payments";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox } from "../src/index.js";

/**
 * The sandbox as a service: the CLI in a child process (the built dist/cli.js, as `npx
 * auth-sandbox` runs it), driven over HTTP only — health, faults, revocation, stats, reset — as a
 * test in another process or language would.
 */
const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const ID = "alternative-payments";

interface Ready {
  url: string;
  providers: string[];
  baseUrls: Record<string, string>;
  credentials: Record<string, Record<string, string>>;
  health: string;
  control: string;
  exposed: boolean;
}

/** A raw HTTP request with headers of our choosing (fetch would set Host and Origin itself). */
function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? "GET", headers: options.headers },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

let child: ChildProcess;
let ready: Ready;
const post = (action: string, body: unknown) =>
  fetch(`${ready.control}/${action}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
const stats = async () =>
  (
    (await (await fetch(`${ready.control}/stats`)).json()) as Record<
      string,
      { tokenRequests: number }
    >
  )[ID]!;
/** One token request by hand, with the demo credentials: its status. */
const tokenStatus = async () => {
  const { clientId, clientSecret } = ready.credentials[ID]!;
  const response = await fetch(`${ready.baseUrls[ID]}/oauth/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials",
  });
  await response.body?.cancel();
  return response.status;
};

beforeAll(async () => {
  child = spawn(
    process.execPath,
    [CLI, "--port", "0", "--json", "--provider", ID, "--provider", "enkash"],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  ready = await new Promise<Ready>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split("\n")[0]!;
      if (out.includes("\n")) resolve(JSON.parse(line) as Ready);
    });
    child.once("exit", (code) => reject(new Error(`auth-sandbox exited with ${code}`)));
  });
});
afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
});

describe("auth-sandbox as a service, over HTTP only", () => {
  it("prints one JSON line with what a client needs, ASCII credentials, a loopback URL", () => {
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ready.providers).toEqual([ID, "enkash"]);
    expect(ready.baseUrls[ID]).toBe(`${ready.url}/${ID}`);
    expect(ready.health).toBe(`${ready.url}/__health`);
    expect(ready.exposed).toBe(false);
    for (const credentials of Object.values(ready.credentials))
      for (const value of Object.values(credentials)) expect(value).toMatch(/^[\x21-\x7e]+$/);
  });

  it("answers the health check", async () => {
    const response = await fetch(ready.health);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", providers: [ID, "enkash"] });
  });

  it("injects a fault, counts, revokes, resets", async () => {
    expect(await tokenStatus()).toBe(200);
    expect(
      (await post("faults", { provider: ID, fault: { type: "status", status: 503 }, times: 1 }))
        .status,
    ).toBe(200);
    expect(await tokenStatus()).toBe(503);
    expect(await tokenStatus()).toBe(200);
    expect(await stats()).toMatchObject({ tokenRequests: 3, faultsInjected: 1 });

    // A client library against the service: a token, then a revoked one refused by the API.
    const auth = createAuth({ ...ready.credentials[ID], baseUrl: ready.baseUrls[ID] } as never);
    const token = await auth.getToken();
    const ping = () =>
      fetch(`${ready.baseUrls[ID]}/api/ping`, {
        headers: { authorization: `Bearer ${token.accessToken}` },
      });
    expect((await ping()).status).toBe(200);
    expect((await post("revoke", { provider: ID })).status).toBe(200);
    expect((await ping()).status).toBe(401);
    await auth.close();

    expect((await post("reset", {})).status).toBe(200);
    expect(await stats()).toMatchObject({ tokenRequests: 0, faultsInjected: 0, locked: false });
  });

  it("refuses what a web page or a typo would send, with a reason", async () => {
    const port = new URL(ready.url).port;
    const body = JSON.stringify({ provider: ID });
    // A "simple" cross-site POST (no preflight): refused for its content type.
    expect(
      (
        await raw(`${ready.control}/reset`, {
          method: "POST",
          headers: { "content-type": "text/plain" },
          body,
        })
      ).status,
    ).toBe(415);
    expect(
      (
        await raw(`${ready.control}/reset`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: "https://attacker.example" },
          body,
        })
      ).status,
    ).toBe(403);
    // DNS rebinding: a Host that is not a loopback name.
    expect(
      (await raw(`${ready.control}/stats`, { headers: { host: `attacker.example:${port}` } }))
        .status,
    ).toBe(421);
    expect((await post("faults", { provider: ID, fault: { type: "explode" } })).status).toBe(400);
    expect((await post("revoke", { provider: "nope" })).status).toBe(404);
    expect((await post("revoke", {})).status).toBe(400);
    expect((await post("launch", {})).status).toBe(404);
    expect(
      (await post("configure", { provider: ID, settings: { includeExpiry: "false" } })).status,
    ).toBe(400);
  });
});

describe("the sandbox's bind address and demo credentials", () => {
  it("binds only loopback unless told it is exposed", async () => {
    await expect(startSandbox({ host: "0.0.0.0" })).rejects.toMatchObject({
      code: "invalid_options",
    });
  });

  it("still exercises a UTF-8 Basic password when a test passes one", async () => {
    const clientSecret = "demo-sëcret-€-✓";
    const sandbox = await startSandbox({
      providers: [ID],
      credentials: { [ID]: { clientSecret } },
    });
    try {
      const auth = createAuth({ ...sandbox.credentials[ID], baseUrl: sandbox.baseUrls[ID] });
      expect(sandbox.credentials[ID].clientSecret).toBe(clientSecret);
      expect((await auth.getToken()).accessToken).toBeTruthy();
      const wrong = createAuth({
        ...sandbox.credentials[ID],
        clientSecret: "demo-secret-€-✓",
        baseUrl: sandbox.baseUrls[ID],
      });
      await expect(wrong.getToken()).rejects.toMatchObject({ code: "invalid_credentials" });
      await Promise.all([auth.close(), wrong.close()]);
    } finally {
      await sandbox.close();
    }
  });
});

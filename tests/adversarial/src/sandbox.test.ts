import { execFile } from "node:child_process";
import { request as httpRequest } from "node:http";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import { startSandbox, type Sandbox } from "@auth/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Concern: the emulator survives rude clients too. A huge POST gets 413 without being buffered
// (it used to crash the process past 512 MiB); the CLI rejects bad arguments with a usage line and
// no stack; the 404 says what is emulated.

const cli = createRequire(import.meta.url)
  .resolve("@auth/sandbox/package.json")
  .replace(/package\.json$/, "dist/cli.js");
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

/** Streams `total` bytes as fast as the server takes them; resolves with the status it answered. */
function hugePost(url: string, total: number, declareLength: boolean) {
  return new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
    const target = new URL(url);
    const request = httpRequest({
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        ...(declareLength ? { "content-length": String(total) } : {}),
      },
    });
    const chunk = Buffer.alloc(1 << 20, "a");
    let sent = 0;
    let answered = false;
    request.on("response", (response) => {
      answered = true;
      let body = "";
      response.on("data", (data: Buffer) => (body += data.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body, sent }));
    });
    // The server may hang up mid-upload once it has answered: that is the point.
    request.on("error", (error) => (answered ? undefined : reject(error)));
    const pump = () => {
      while (sent < total && !answered && !request.destroyed) {
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once("drain", pump);
      }
      if (!answered) request.end();
    };
    pump();
  });
}

describe("the sandbox under a rude client", () => {
  it("answers 413 to a 600 MiB chunked POST without buffering it, and keeps serving", async () => {
    const before = process.memoryUsage().rss;
    const { status, body, sent } = await hugePost(
      `${sandbox.baseUrls.enkash}/oauth/token`,
      600 << 20,
      false,
    );
    expect(status).toBe(413);
    expect(JSON.parse(body)).toMatchObject({ error: "payload_too_large" });
    expect(sent).toBeLessThan(600 << 20);
    expect(process.memoryUsage().rss - before).toBeLessThan(256 << 20);
    const ok = await fetch(`${sandbox.baseUrls["alternative-payments"]}/oauth/token`, {
      method: "POST",
    });
    // Alive, and answering a bodiless POST as the provider would (a documented 4xx, not a crash).
    expect(ok.status).toBeGreaterThanOrEqual(400);
    expect(ok.status).toBeLessThan(500);
  });

  it("answers 413 at once to a declared Content-Length over the cap", async () => {
    const { status } = await hugePost(
      `${sandbox.baseUrls.manis}/api/v1/auth/token`,
      64 << 20,
      true,
    );
    expect(status).toBe(413);
  });

  it("lists the emulated endpoints in its 404", async () => {
    const response = await fetch(`${sandbox.url}/nope/oauth/token`, { method: "POST" });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { endpoints: string[]; message: string };
    expect(body.endpoints).toContain("POST /enkash/oauth/token");
    expect(body.endpoints).toContain("POST /manis/api/v1/auth/token");
    expect(body.message).toContain("POST /interswitch/passport/oauth/token");
  });
});

describe("CORS", () => {
  it("lets a page on a loopback origin call the sandbox, and no other origin", async () => {
    const url = `${sandbox.baseUrls["alternative-payments"]}/oauth/token`;
    const preflight = (origin: string) =>
      fetch(url, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization, content-type",
        },
      });
    const local = await preflight("http://127.0.0.1:5173");
    expect(local.status).toBe(204);
    expect(local.headers.get("access-control-allow-origin")).toBe("http://127.0.0.1:5173");
    expect(local.headers.get("access-control-allow-headers")).toBe("authorization, content-type");
    const foreign = await preflight("https://evil.example");
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
    expect(foreign.status).toBe(404);
  });
});

describe("auth-sandbox arguments", () => {
  const run = (...args: string[]) =>
    promisify(execFile)(process.execPath, [cli, ...args], { timeout: 30_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it.each([
    [["--lifetime", "abc"], /--lifetime must be a whole number/],
    [["--lifetime", "0"], /--lifetime must be a whole number/],
    [["--port", "70000"], /--port must be a whole number/],
    [["--bogus"], /Unknown option '--bogus'/],
    [["stray"], /positional/i],
    [["--provider", "nope", "--port", "0"], /unknown provider "nope"/],
  ])("rejects %j with a usage message and no stack", async (args, message) => {
    const { code, stdout, stderr } = await run(...args);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(stdout).toBe("");
  });

  it("prints usage for --help", async () => {
    const { code, stdout } = await run("--help");
    expect(code).toBe(0);
    expect(stdout).toContain("usage: auth-sandbox");
  });
});

describe("auth-sandbox output", () => {
  it("prints each provider's token method and path", async () => {
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, [cli, "--port", "0", "--provider", "enkash"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (data: Buffer) => (output += data.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", () => output.includes("Ctrl+C") && resolve());
        child.on("exit", (code) => reject(new Error(`exited ${code}: ${output}`)));
      });
      expect(output).toMatch(/token: +POST http:\/\/127\.0\.0\.1:\d+\/enkash\/oauth\/token/);
    } finally {
      child.kill("SIGTERM");
    }
  });
});

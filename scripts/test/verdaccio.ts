import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export interface Verdaccio {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  /** A publish token for the one user it has. */
  readonly token: string;
  stop(): Promise<void>;
}

/**
 * Starts a Verdaccio of its own in a child process (its own event loop, like a real registry),
 * with a user created through the registry API, as `npm adduser` would.
 */
export async function startVerdaccio(): Promise<Verdaccio> {
  const dir = await mkdtemp(path.join(tmpdir(), "auth-verdaccio-"));
  const script = fileURLToPath(new URL("./verdaccio-server.mjs", import.meta.url));
  const child = spawn(process.execPath, [script, dir], {
    cwd: path.dirname(script),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.on("line", (line) => {
        if (!line.startsWith("{")) return;
        resolve((JSON.parse(line) as { port: number }).port);
      });
      child.on("exit", (code) =>
        reject(new Error(`Verdaccio exited (${code}) before listening: ${stderr.slice(-2000)}`)),
      );
    });
    const url = `http://127.0.0.1:${port}/`;
    const response = await fetch(`${url}-/user/org.couchdb.user:release-test`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "release-test", password: "release-test-password" }),
    });
    const body = (await response.json()) as { token?: string };
    if (!response.ok || !body.token)
      throw new Error(`Verdaccio refused the test user: ${response.status}`);
    return { url, token: body.token, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

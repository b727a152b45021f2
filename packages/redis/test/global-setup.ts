import { spawnSync } from "node:child_process";
import { createConnection } from "node:net";

/** Whether something answers PING on 127.0.0.1:6379. */
function redisAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port: 6379 });
    socket.setTimeout(1_000);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * The store's tests need a real Redis on 127.0.0.1:6379 (under unique prefixes) and the
 * `redis-server` binary (to start, kill and restart servers of their own). Start one if none runs;
 * fail loudly, never skip, when Redis is not installed.
 */
export default async function setup(): Promise<void> {
  if (await redisAnswers()) return;
  const started = spawnSync(
    "redis-server",
    [
      "--daemonize",
      "yes",
      "--bind",
      "127.0.0.1",
      "--port",
      "6379",
      "--save",
      "",
      "--appendonly",
      "no",
    ],
    { stdio: "inherit" },
  );
  if (started.error || started.status !== 0)
    throw new Error(
      "@auth/redis tests need Redis: install redis-server (Debian: apt-get install redis-server) or start one on 127.0.0.1:6379",
    );
  for (let i = 0; i < 100; i++) {
    if (await redisAnswers()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("started redis-server, but 127.0.0.1:6379 does not answer PING");
}

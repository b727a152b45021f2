import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
}

export type RudeHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  seen: SeenRequest,
) => void | Promise<void>;

/**
 * A hand-written provider on a loopback address that can misbehave in any way a handler likes.
 * It records every request it sees and every socket that closed, so a test can assert what a
 * client sent and that it hung up.
 */
export async function startRudeServer(handler: RudeHandler, host = "127.0.0.1") {
  let current = handler;
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  let socketsClosed = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const entry: SeenRequest = {
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      seen.push(entry);
      Promise.resolve(current(request, response, entry)).catch(() => response.destroy());
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => {
      sockets.delete(socket);
      socketsClosed += 1;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    origin: `http://${host}:${port}`,
    seen,
    get requests() {
      return seen.length;
    },
    get socketsClosed() {
      return socketsClosed;
    },
    get openSockets() {
      return sockets.size;
    },
    handle(next: RudeHandler) {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type RudeServer = Awaited<ReturnType<typeof startRudeServer>>;

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

/** Resolves when `condition()` holds, checking every 10 ms; rejects after `ms` (generous by design). */
export async function eventually(condition: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** An injected clock plus a sleep that advances it instead of waiting. */
export function fakeTime(start = Date.now()) {
  let now = start;
  const sleeps: number[] = [];
  return {
    clock: () => now,
    advance(ms: number) {
      now += ms;
    },
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

import { connect, type Socket } from "node:net";
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startDeadline } from "./deadline.js";

const busy = (ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until);
};

let worker: Worker | undefined;
let client: Socket | undefined;
afterEach(async () => {
  client?.destroy();
  await worker?.terminate();
  worker = undefined;
});

/**
 * A peer on another thread (its own event loop): it answers 20 ms after each request, so the answer
 * arrives while this thread is busy.
 */
async function peer(): Promise<{ send: () => void; answered: Promise<void> }> {
  worker = new Worker(
    `const { createServer } = require("node:net");
     const { parentPort } = require("node:worker_threads");
     const server = createServer((socket) =>
       socket.on("data", () => setTimeout(() => socket.write("pong"), 20)));
     server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));`,
    { eval: true },
  );
  const port = await new Promise<number>((resolve) => worker!.once("message", resolve));
  client = connect(port, "127.0.0.1");
  await new Promise((resolve) => client!.once("connect", resolve));
  const answered = new Promise<void>((resolve) => client!.once("data", () => resolve()));
  return { send: () => void client!.write("ping"), answered };
}

describe("startDeadline", () => {
  it("times out a callee that never answers", async () => {
    const onTimeout = vi.fn();
    startDeadline(20, onTimeout);
    await vi.waitFor(() => expect(onTimeout).toHaveBeenCalledTimes(1), { timeout: 10_000 });
  });

  it("does not fire once cancelled", async () => {
    const onTimeout = vi.fn();
    const cancel = startDeadline(10, onTimeout);
    cancel();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(onTimeout).not.toHaveBeenCalled();
  });

  it("reads a reply that arrived while this process was busy instead of declaring a timeout", async () => {
    const { send, answered } = await peer();
    const onTimeout = vi.fn();
    const cancel = startDeadline(50, onTimeout);
    void answered.then(cancel);
    send();
    // This thread is then busy far past the deadline (work another request started); the answer
    // arrives meanwhile, and the expired timer comes up before the answer is read.
    setImmediate(() => busy(500));
    await answered;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(onTimeout).not.toHaveBeenCalled();
  });
});

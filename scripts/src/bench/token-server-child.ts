// The bench token server in a process of its own (see startTokenServerProcess): the callers'
// event loop then measures the client, not the server's work as well.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { startTokenServer } from "./token-server.ts";

const server = await startTokenServer({ latencyMs: Number(process.argv[2] ?? 0) });
// Counters and reset on a port of their own, so control requests are never counted.
const control = createServer((request, response) => {
  if (request.url === "/reset") server.reset();
  response.writeHead(200, { "content-type": "application/json" });
  response.end(JSON.stringify({ requests: server.requests, rejected: server.rejected }));
});
await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));
console.log(
  JSON.stringify({
    url: server.url,
    control: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
  }),
);
process.on("disconnect", () => process.exit(0));

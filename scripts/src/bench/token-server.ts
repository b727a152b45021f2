import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A loopback OAuth token endpoint with fixed latency that counts requests. */
export async function startTokenServer(latencyMs: number) {
  let requests = 0;
  let issued = 0;
  const server = createServer((request, response) => {
    requests += 1;
    request.resume();
    request.on("end", () => {
      setTimeout(() => {
        issued += 1;
        response.writeHead(200, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            access_token: `token-${issued}`,
            token_type: "bearer",
            expires_in: 3600,
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
    reset() {
      requests = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

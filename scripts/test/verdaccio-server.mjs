// A throwaway Verdaccio for the release test: on 127.0.0.1 (port chosen by the OS), storage in the
// folder given, no uplink (a package it does not hold is a 404, never a fetch from elsewhere),
// publishing for authenticated users only. Prints one JSON line with the port once listening.
import { runServer } from "verdaccio";

const dir = process.argv[2];
if (!dir) throw new Error("usage: node verdaccio-server.mjs <storage folder>");
const app = await runServer({
  self_path: `${dir}/config.yaml`,
  storage: `${dir}/storage`,
  auth: { htpasswd: { file: `${dir}/htpasswd`, max_users: 1 } },
  uplinks: {},
  packages: { "**": { access: "$all", publish: "$authenticated" } },
  log: { type: "stdout", format: "pretty", level: "warn" },
  security: { api: { legacy: true } },
});
const server = app.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ port: server.address().port }));
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));

#!/usr/bin/env node
import { parseArgs } from "node:util";
import { SandboxError } from "./errors.js";
import { providers } from "./providers.gen.js";
import { isLoopbackHost, startSandbox } from "./server.js";

/** Not 4010 (Prism and other OpenAPI mock servers), 12111 (stripe-mock), 8080 or 3000. */
const DEFAULT_PORT = 4280;

const USAGE = `usage: auth-sandbox [--port ${DEFAULT_PORT}] [--host 127.0.0.1] [--lifetime 3600] [--provider id]... [--json]

  --port N            port, 0 for a free one (default: $PORT or ${DEFAULT_PORT})
  --host H            address to bind (default 127.0.0.1). Anything else (0.0.0.0 in a container)
                      is exposed to whoever reaches it, and says so when it starts
  --allowed-host H    a Host name to answer besides loopback ones (repeatable; a container's
                      service name, for example); any other Host gets 421
  --lifetime S        token lifetime in seconds, a whole number ≥ 1 (default 3600)
  --provider ID       emulate only this provider (repeatable): ${providers.map((p) => p.id).join(", ")}
  --json              print one JSON line when ready (url, providers, baseUrls, credentials,
                      health and control URLs), nothing else
  --help              print this

  GET  /__health              200 {"status":"ok"} once listening
  GET  /__control/stats       counters per provider
  POST /__control/{faults,faults/clear,revoke,unlock,reset,configure}  JSON bodies; see the README`;

/** A mistake in the arguments: printed with the usage, exit code 2, no stack. */
class UsageError extends Error {}

function wholeNumber(name: string, value: string, min: number, max: number): number {
  const number = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(number >= min && number <= max))
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}; got "${value}"`);
  return number;
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string", default: process.env.PORT ?? String(DEFAULT_PORT) },
        host: { type: "string", default: "127.0.0.1" },
        "allowed-host": { type: "string", multiple: true },
        json: { type: "boolean", default: false },
        lifetime: { type: "string", default: "3600" },
        provider: { type: "string", multiple: true },
        help: { type: "boolean", default: false },
      },
    }).values;
  } catch (error) {
    // parseArgs' own message names the flag ("Unknown option '--x'"); its stack helps nobody.
    throw new UsageError((error as Error).message);
  }
}

/** `auth-sandbox [--port 4280] [--host h] [--lifetime 3600] [--provider id]… [--json]`: runs until interrupted. */
async function main(argv: string[]): Promise<void> {
  const values = parse(argv);
  if (values.help) return void console.log(USAGE);
  const port = wholeNumber("port", values.port, 0, 65_535);
  const lifetimeSeconds = wholeNumber("lifetime", values.lifetime, 1, 31_536_000);
  const host = values.host;
  const loopback = isLoopbackHost(host);
  const sandbox = await startSandbox({
    port,
    host,
    exposed: !loopback,
    settings: { lifetimeSeconds },
    ...(values.provider ? { providers: values.provider } : {}),
    ...(values["allowed-host"] ? { allowedHosts: values["allowed-host"] } : {}),
  });
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  if (values.json) {
    console.log(
      JSON.stringify({
        url: sandbox.url,
        providers: Object.keys(sandbox.baseUrls),
        baseUrls: sandbox.baseUrls,
        credentials: sandbox.credentials,
        health: `${sandbox.url}/__health`,
        control: `${sandbox.url}/__control`,
        exposed: !loopback,
      }),
    );
    return;
  }
  console.log(`@auth/sandbox listening on ${sandbox.url}\n`);
  if (!loopback)
    console.log(
      `WARNING: bound to ${host}, not a loopback address: anyone who can reach it can get demo tokens and drive /__control.\n`,
    );
  for (const [id, baseUrl] of Object.entries(sandbox.baseUrls)) {
    const provider = providers.find((p) => p.id === id)!;
    console.log(
      `${id}\n  baseUrl: ${baseUrl}\n  token:   ${provider.exchange.assertion?.use === "token" ? `minted by the client (${provider.exchange.assertion.alg} JWT), no token endpoint` : `${provider.exchange.method ?? "POST"} ${baseUrl}${provider.exchange.tokenPath}`}`,
    );
    for (const [name, value] of Object.entries(
      sandbox.credentials[id as keyof typeof sandbox.credentials],
    ))
      console.log(`  ${name}: ${value}`);
  }
  console.log(
    `\nHealth: GET ${sandbox.url}/__health · control: ${sandbox.url}/__control (see --help).\nThese are demo credentials for the local emulator only. Ctrl+C to stop.`,
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`auth-sandbox: ${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  console.error(
    error instanceof SandboxError
      ? `auth-sandbox: ${error.message}`
      : `auth-sandbox: ${String(error)}`,
  );
  process.exitCode = 1;
});

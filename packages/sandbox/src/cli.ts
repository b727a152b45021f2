#!/usr/bin/env node
import { parseArgs } from "node:util";
import { SandboxError } from "./errors.js";
import { providers } from "./providers.gen.js";
import { startSandbox } from "./server.js";

const USAGE = `usage: auth-sandbox [--port 4010] [--lifetime 3600] [--provider id]...

  --port N        port on 127.0.0.1, 0 for a free one (default: $PORT or 4010)
  --lifetime S    token lifetime in seconds, a whole number ≥ 1 (default 3600)
  --provider ID   emulate only this provider (repeatable): ${providers.map((p) => p.id).join(", ")}
  --help          print this`;

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
        port: { type: "string", default: process.env.PORT ?? "4010" },
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

/** `auth-sandbox [--port 4010] [--lifetime 3600] [--provider id]…`: runs until interrupted. */
async function main(argv: string[]): Promise<void> {
  const values = parse(argv);
  if (values.help) return void console.log(USAGE);
  const port = wholeNumber("port", values.port, 0, 65_535);
  const lifetimeSeconds = wholeNumber("lifetime", values.lifetime, 1, 31_536_000);
  const sandbox = await startSandbox({
    port,
    settings: { lifetimeSeconds },
    ...(values.provider ? { providers: values.provider } : {}),
  });
  console.log(`@auth/sandbox listening on ${sandbox.url}\n`);
  for (const [id, baseUrl] of Object.entries(sandbox.baseUrls)) {
    const provider = providers.find((p) => p.id === id)!;
    console.log(
      `${id}\n  baseUrl: ${baseUrl}\n  token:   POST ${baseUrl}${provider.exchange.tokenPath}`,
    );
    for (const [name, value] of Object.entries(
      sandbox.credentials[id as keyof typeof sandbox.credentials],
    ))
      console.log(`  ${name}: ${value}`);
  }
  console.log("\nThese are demo credentials for the local emulator only. Ctrl+C to stop.");
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
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

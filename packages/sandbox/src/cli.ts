#!/usr/bin/env node
import { parseArgs } from "node:util";
import { SandboxError } from "./errors.js";
import { startSandbox } from "./server.js";

/** `auth-sandbox [--port 4010] [--lifetime 3600] [--provider id]…`: runs until interrupted. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: process.env.PORT ?? "4010" },
      lifetime: { type: "string", default: "3600" },
      provider: { type: "string", multiple: true },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log("usage: auth-sandbox [--port 4010] [--lifetime 3600] [--provider id]...");
    return;
  }
  const sandbox = await startSandbox({
    port: Number(values.port),
    settings: { lifetimeSeconds: Number(values.lifetime) },
    ...(values.provider ? { providers: values.provider } : {}),
  });
  console.log(`@auth/sandbox listening on ${sandbox.url}\n`);
  for (const [id, baseUrl] of Object.entries(sandbox.baseUrls)) {
    console.log(`${id}\n  baseUrl: ${baseUrl}`);
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

main().catch((error: unknown) => {
  console.error(error instanceof SandboxError ? `auth-sandbox: ${error.message}` : error);
  process.exitCode = 1;
});

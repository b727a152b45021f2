/**
 * The main job (`pnpm start`): every provider package used exactly as its README shows, against
 * the embedded sandbox, with short-lived tokens so a background refresh happens within seconds.
 */
import { createAuth as createAlternativePayments } from "@auth/alternative-payments";
import type { TokenEvent, TokenManager } from "@auth/core";
import { createAuth as createEnkash } from "@auth/enkash";
import { createAuth as createInterswitch } from "@auth/interswitch";
import { createAuth as createManis } from "@auth/manis";
import { startSandbox, type ProviderId } from "@auth/sandbox";

const TOKEN_LIFETIME_SECONDS = 6;
const RUN_MS = 4_000;
const CALLERS_PER_TICK = 100;
const TICK_MS = 50;

interface Row {
  provider: string;
  token: string;
  expiresIn: string;
  served: number;
  upstream: number;
  backgroundRefresh: string;
}

function redact(token: string): string {
  return `${token.slice(0, 6)}…(${token.length} chars)`;
}

async function exercise(
  id: ProviderId,
  auth: TokenManager<unknown>,
  upstream: () => number,
): Promise<Row> {
  let refreshedInBackground = 0;
  auth.on((event: TokenEvent) => {
    if (event.type === "refreshed_in_background") refreshedInBackground += 1;
  });
  let served = 0;
  // A burst of cold callers first: one upstream request serves them all.
  await Promise.all(Array.from({ length: 1000 }, () => auth.getToken().then(() => (served += 1))));
  const deadline = Date.now() + RUN_MS;
  while (Date.now() < deadline) {
    await Promise.all(
      Array.from({ length: CALLERS_PER_TICK }, () => auth.getToken().then(() => (served += 1))),
    );
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  const token = await auth.getToken();
  return {
    provider: id,
    token: redact(token.accessToken),
    expiresIn: `${((token.expiresAt - Date.now()) / 1000).toFixed(1)} s`,
    served,
    upstream: upstream(),
    backgroundRefresh: refreshedInBackground > 0 ? `yes (${refreshedInBackground})` : "no",
  };
}

function printTable(rows: Row[]): void {
  const headers = {
    provider: "provider",
    token: "token (redacted)",
    expiresIn: "expires in",
    served: "calls served",
    upstream: "upstream requests",
    backgroundRefresh: "background refresh",
  };
  const columns = Object.keys(headers) as (keyof Row)[];
  const width = (key: keyof Row) =>
    Math.max(headers[key].length, ...rows.map((row) => String(row[key]).length));
  const line = (cells: Record<keyof Row, string | number>) =>
    columns.map((key) => String(cells[key]).padEnd(width(key))).join("  ");
  console.log(line(headers));
  console.log(columns.map((key) => "-".repeat(width(key))).join("  "));
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  const sandbox = await startSandbox({ settings: { lifetimeSeconds: TOKEN_LIFETIME_SECONDS } });
  console.log(
    `sandbox on ${sandbox.url}; tokens live ${TOKEN_LIFETIME_SECONDS} s; each provider serves callers for ${RUN_MS / 1000} s\n`,
  );
  try {
    // Exactly as each package README shows, with baseUrl pointing at the local sandbox.
    const managers: [ProviderId, TokenManager<unknown>][] = [
      [
        "interswitch",
        createInterswitch({
          ...sandbox.credentials.interswitch,
          baseUrl: sandbox.baseUrls.interswitch,
        }),
      ],
      [
        "alternative-payments",
        createAlternativePayments({
          ...sandbox.credentials["alternative-payments"],
          baseUrl: sandbox.baseUrls["alternative-payments"],
        }),
      ],
      ["enkash", createEnkash({ ...sandbox.credentials.enkash, baseUrl: sandbox.baseUrls.enkash })],
      ["manis", createManis({ ...sandbox.credentials.manis, baseUrl: sandbox.baseUrls.manis })],
    ];
    const rows = await Promise.all(
      managers.map(([id, auth]) => exercise(id, auth, () => sandbox.stats[id].tokenRequests)),
    );
    printTable(rows);
    const failed = rows.filter((row) => row.upstream < 1 || row.served < 1000);
    if (failed.length > 0)
      throw new Error(`demo failed for ${failed.map((row) => row.provider).join(", ")}`);
    console.log(
      "\nEvery caller got a valid token; upstream requests stayed at one per token lifetime.",
    );
  } finally {
    await sandbox.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

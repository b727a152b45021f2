/**
 * The main job (`pnpm start`): every provider package used exactly as its README shows, against
 * the embedded sandbox, with short-lived tokens so a background refresh happens within seconds.
 */
import { authFetch, onTokenEvent, type TokenManager } from "@auth/core";
import { providers as emulated, startSandbox, type ProviderId } from "@auth/sandbox";
import { providers } from "./providers.gen.js";

const TOKEN_LIFETIME_SECONDS = 6;
const RUN_MS = 4_000;
const CALLERS_PER_TICK = 100;
const TICK_MS = 50;
/** A cached token comes back in microseconds; a call this slow waited for the sandbox. */
const WAITED_MS = 20;

interface Row {
  provider: string;
  token: string;
  expiresIn: string;
  served: number;
  /** Token requests the sandbox answered; tokens signed locally for a provider with none. */
  upstream: number | string;
  backgroundRefresh: string;
  /** Numbers for the closing line, not printed in the table. */
  refreshes: number;
  waited: number;
  /** Tokens obtained: requested, or signed by the client where the provider has no token endpoint. */
  obtained: number;
  minted: boolean;
  /** Status of one API call carrying the last token (the sandbox checks it). */
  api: number;
}

function redact(token: string): string {
  return `${token.slice(0, 6)}…(${token.length} chars)`;
}

async function exercise(
  id: ProviderId,
  auth: TokenManager<unknown>,
  upstream: () => number,
  apiUrl: string,
): Promise<Row> {
  let refreshedInBackground = 0;
  let obtained = 0;
  onTokenEvent(auth, (event) => {
    if (event.type === "refreshed_in_background") refreshedInBackground += 1;
    if (event.type === "fetch_succeeded") obtained += 1;
  });
  const minted = emulated.find((p) => p.id === id)!.exchange.assertion?.use === "token";
  let served = 0;
  // A burst of cold callers first: one upstream request serves them all.
  await Promise.all(Array.from({ length: 1000 }, () => auth.getToken().then(() => (served += 1))));
  // After it, a call that took this long waited for a token request instead of the cache.
  let waited = 0;
  const timed = () => {
    const started = performance.now();
    return auth.getToken().then(() => {
      served += 1;
      if (performance.now() - started > WAITED_MS) waited += 1;
    });
  };
  const deadline = Date.now() + RUN_MS;
  while (Date.now() < deadline) {
    await Promise.all(Array.from({ length: CALLERS_PER_TICK }, timed));
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  const token = await auth.getToken();
  // The token at work: one API call carrying it, as the provider's API would check it.
  const api = (await authFetch(auth)(apiUrl)).status;
  return {
    provider: id,
    token: redact(token.accessToken),
    expiresIn: `${((token.expiresAt - Date.now()) / 1000).toFixed(1)} s`,
    served,
    upstream: minted ? `0 (signs its own: ${obtained})` : upstream(),
    backgroundRefresh: refreshedInBackground > 0 ? `yes (${refreshedInBackground})` : "no",
    refreshes: refreshedInBackground,
    waited,
    obtained,
    minted,
    api,
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
  type Column = keyof typeof headers;
  const columns = Object.keys(headers) as Column[];
  const width = (key: Column) =>
    Math.max(headers[key].length, ...rows.map((row) => String(row[key]).length));
  const line = (cells: Record<Column, string | number>) =>
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
    // Exactly as each package README shows, with baseUrl pointing at the local sandbox. The list
    // is generated from specs/: every provider there is in the demo.
    const managers = Object.entries(providers).map(
      ([id, createAuth]) =>
        [
          id as ProviderId,
          createAuth({
            ...sandbox.credentials[id as ProviderId],
            baseUrl: sandbox.baseUrls[id as ProviderId],
          } as never),
        ] as const,
    );
    const rows = await Promise.all(
      managers.map(([id, auth]) =>
        exercise(
          id,
          auth,
          () => sandbox.stats[id].tokenRequests,
          `${sandbox.baseUrls[id]}/api/ping`,
        ),
      ),
    );
    printTable(rows);
    const failed = rows.filter((row) => row.obtained < 1 || row.served < 1000 || row.api !== 200);
    if (failed.length > 0)
      throw new Error(`demo failed for ${failed.map((row) => row.provider).join(", ")}`);
    console.log(`\n${conclusion(rows)}`);
  } finally {
    await sandbox.close();
  }
}

/** The closing line, computed from what the run measured. */
export function conclusion(rows: readonly Row[]): string {
  const served = rows.reduce((sum, row) => sum + row.served, 0);
  // Providers with a token endpoint; a client that signs its own tokens requests none.
  const requesting = rows.filter((row) => !row.minted);
  const requests = requesting.map((row) => Number(row.upstream));
  const refreshes = requesting.map((row) => row.refreshes);
  const minted = rows.length - requesting.length;
  const waited = rows.reduce((sum, row) => sum + row.waited, 0);
  const range = (values: number[]) =>
    Math.min(...values) === Math.max(...values)
      ? String(values[0])
      : `${Math.min(...values)}–${Math.max(...values)}`;
  return (
    `Every caller got a valid token: ${served} calls over ${RUN_MS / 1000} s with ${TOKEN_LIFETIME_SECONDS} s tokens, ` +
    `${range(requests)} upstream request(s) per provider — the first token, then ${range(refreshes)} renewal(s) ` +
    `made in the background ahead of expiry${minted > 0 ? ` (${minted} provider(s) sign their own tokens instead)` : ""}; ${waited === 0 ? "no caller" : `${waited} caller(s)`} waited for a token after the first burst; every token was accepted by its API.`
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

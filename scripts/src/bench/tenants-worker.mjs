// One P7 measurement in a fresh process (run with --expose-gc): N tenants with distinct
// credentials, each a token manager ("manager") or the Map-memo a careful user writes ("memo"),
// against an in-memory token endpoint. Prints one JSON line. A third argument picks a part:
// "create" times the creation alone (a cheap process, so there can be many); "warm" makes N of
// each, caches every token, then times warm passes over all of them, ours and the memo's in
// turn (one heap, one machine state: the passes pair up).
import { createTokenManager } from "@auth/core";

const [kind, count] = [process.argv[2], Number(process.argv[3])];
const exchange = JSON.parse(process.env.EXCHANGE);
let issued = 0;
/** A token endpoint in memory: distinct 43-character tokens, one hour each. */
const endpoint = async () =>
  new Response(
    JSON.stringify({
      access_token: `tok-${(++issued).toString(36).padStart(8, "0")}-${"x".repeat(26)}`,
      token_type: "Bearer",
      expires_in: 3600,
    }),
    { headers: { "content-type": "application/json" } },
  );

/** The memo cache of peers.ts, per tenant, holding the credentials it must send again. */
function memoTenant(clientId, clientSecret) {
  const basic = `Basic ${btoa(`${clientId}:${clientSecret}`)}`;
  let cached;
  return () => {
    if (!cached || Date.now() >= cached.expiresAt) {
      const entry = { promise: undefined, expiresAt: Infinity };
      entry.promise = endpoint("/oauth/token", {
        method: "POST",
        headers: { authorization: basic },
      })
        .then((response) => response.json())
        .then((body) => {
          entry.expiresAt = Date.now() + body.expires_in * 1000;
          return body.access_token;
        });
      cached = entry;
    }
    return cached.promise;
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
async function heap() {
  await settle();
  for (let i = 0; i < 4; i++) globalThis.gc();
  return process.memoryUsage().heapUsed;
}
const handles = () => process.getActiveResourcesInfo().length;
const ours = (t) => t.getToken();
const theirs = (t) => t();
/** One warm pass: every tenant of `list` asked in turn; ns per call. */
async function pass(list, get) {
  const begun = process.hrtime.bigint();
  for (const t of list) await get(t);
  return Number(process.hrtime.bigint() - begun) / count;
}

const part = process.argv[4];
const tenants = [];
// Credentials as a database or a secrets file delivers them: parsed, so flat strings. Built by
// template literals they would be ropes, and the side that first reads their characters (our
// checks at creation; the memo only concatenates them) would pay to flatten each one.
const credentials = JSON.parse(
  JSON.stringify(
    Array.from({ length: count }, (_, i) => ({
      clientId: `merchant-${i.toString(36).padStart(6, "0")}`,
      clientSecret: `secret-${(i * 7919).toString(36).padStart(10, "0")}-live`,
    })),
  ),
);
const baseHandles = handles();
const before = await heap();
const started = process.hrtime.bigint();
for (const c of credentials)
  tenants.push(
    kind === "manager"
      ? createTokenManager({
          exchange,
          credentials: c,
          baseUrl: "https://auth.example.com",
          fetch: endpoint,
        })
      : memoTenant(c.clientId, c.clientSecret),
  );
const createNs = Number(process.hrtime.bigint() - started) / count;
if (part === "create") {
  console.log(JSON.stringify({ createNs }));
  process.exit(0);
}
if (part === "warm") {
  // The memo's tenants are made, and every token cached, in step with ours: both kinds' objects
  // lie side by side in the heap, neither older nor better placed.
  const memos = [];
  for (let i = 0; i < count; i++) {
    memos.push(memoTenant(credentials[i].clientId, credentials[i].clientSecret));
    await tenants[i].getToken();
    await memos[i]();
  }
  await pass(tenants, ours);
  await pass(memos, theirs);
  const oursNs = [];
  const memoNs = [];
  for (let round = 0; round < Number(process.argv[5]); round++) {
    if (round % 2 === 0) {
      oursNs.push(await pass(tenants, ours));
      memoNs.push(await pass(memos, theirs));
    } else {
      memoNs.push(await pass(memos, theirs));
      oursNs.push(await pass(tenants, ours));
    }
  }
  console.log(JSON.stringify({ oursNs, memoNs }));
  process.exit(0);
}
const created = await heap();
const get = kind === "manager" ? ours : theirs;
for (const t of tenants) await get(t);
const cached = await heap();
const idleHandles = handles() - baseHandles;
// Warm: every tenant asked in turn, three passes; the median pass counts.
const passes = [];
for (let i = 0; i < 3; i++) passes.push(await pass(tenants, get));
passes.sort((a, b) => a - b);
if (kind === "manager") await Promise.all(tenants.map((t) => t.close()));
tenants.length = 0;
credentials.length = 0;
const released = await heap();
console.log(
  JSON.stringify({
    createNs,
    createdBytes: (created - before) / count,
    cachedBytes: (cached - before) / count,
    warmNs: passes[1],
    idleHandles,
    releasedBytes: (released - before) / count,
  }),
);

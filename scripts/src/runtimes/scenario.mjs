// One scenario, run unchanged on every runtime against the packed packages: a token from the
// sandbox, a cache hit, a 401 replayed through openapi-fetch and through authFetch, the package
// through require(), a typed bad-credentials error, a signed client assertion.
// Prints one JSON line: check → "pass" or "fail: why".
import { createRequire } from "node:module";
import { AuthError } from "@auth/core";
import { authFetch, authMiddleware, createAuth } from "@auth/alternative-payments";
import { startSandbox } from "@auth/sandbox";
import createClient from "openapi-fetch";
import { checkSignedAssertion } from "./assertion-check.mjs";

const id = "alternative-payments";
const results = {};
async function check(name, run) {
  try {
    await run();
    results[name] = "pass";
  } catch (error) {
    results[name] = `fail: ${error instanceof Error ? error.message : String(error)}`;
  }
}

const sandbox = await startSandbox({ providers: [id] });
const auth = createAuth({ ...sandbox.credentials[id], baseUrl: sandbox.baseUrls[id] });
await check("token", async () => {
  const token = await auth.getToken();
  if (!token.accessToken || token.tokenType !== "Bearer") throw new Error("no usable token");
});
await check("cache hit", async () => {
  await Promise.all(Array.from({ length: 50 }, () => auth.getToken()));
  if (sandbox.stats[id].tokenRequests !== 1)
    throw new Error(`${sandbox.stats[id].tokenRequests} token requests`);
});
await check("401 replay", async () => {
  const client = createClient({ baseUrl: sandbox.baseUrls[id] });
  client.use(authMiddleware(auth));
  sandbox.revokeTokens(id);
  const { response } = await client.GET("/api/ping");
  if (response.status !== 200) throw new Error(`API answered ${response.status}`);
  if (sandbox.stats[id].tokenRequests !== 2) throw new Error("no new token after the 401");
});
await check("authFetch replay", async () => {
  const api = authFetch(auth);
  const before = sandbox.stats[id].tokenRequests;
  sandbox.revokeTokens(id);
  const response = await api(`${sandbox.baseUrls[id]}/api/ping`);
  if (response.status !== 200) throw new Error(`API answered ${response.status}`);
  if (sandbox.stats[id].tokenRequests !== before + 1) throw new Error("no new token after the 401");
});
await check("require()", async () => {
  const required = createRequire(import.meta.url)("@auth/alternative-payments");
  if (typeof required.createAuth !== "function") throw new Error("require() gave no createAuth");
  // Node takes the module-sync branch for require() too: the same instance as import, no
  // second copy of core. Bun and Deno may load the CommonJS copy; it must work all the same.
  const node = !("Bun" in globalThis) && !("Deno" in globalThis);
  if (node && required.createAuth !== createAuth)
    throw new Error("require() loaded a second copy of the package");
  const other = required.createAuth({ ...sandbox.credentials[id], baseUrl: sandbox.baseUrls[id] });
  if (!(await other.getToken()).accessToken) throw new Error("no token through require()");
  await other.close();
});
await check("typed bad credentials", async () => {
  const wrong = createAuth({
    ...sandbox.credentials[id],
    clientSecret: "wrong",
    baseUrl: sandbox.baseUrls[id],
  });
  const error = await wrong.getToken().then(
    () => undefined,
    (caught) => caught,
  );
  if (!AuthError.isInstance(error) || error.code !== "invalid_credentials")
    throw new Error(`got ${error?.code ?? error}`);
  await wrong.close();
});
await check("signed assertion (Web Crypto)", checkSignedAssertion);
await auth.close();
await sandbox.close();
console.log(JSON.stringify(results));

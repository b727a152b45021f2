// One scenario, run unchanged on every runtime against the packed packages: a token from the
// sandbox, a cache hit, a 401 replayed through openapi-fetch, a typed bad-credentials error.
// Prints one JSON line: check → "pass" or "fail: why".
import { AuthError } from "@auth/core";
import { authMiddleware, createAuth } from "@auth/alternative-payments";
import { startSandbox } from "@auth/sandbox";
import createClient from "openapi-fetch";

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
await auth.close();
await sandbox.close();
console.log(JSON.stringify(results));

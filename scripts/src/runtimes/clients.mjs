// authFetch as ky's fetch, and the axios recipe (examples/src/recipes/axios.ts, bundled beside
// this file as axios-recipe.mjs), against the sandbox from the installed tarballs: a token, then
// a revoked token answered by one new token and one replay. Prints one JSON line.
import axios from "axios";
import ky from "ky";
import { authFetch, createAuth } from "@auth/alternative-payments";
import { startSandbox } from "@auth/sandbox";
import { withAuth } from "./axios-recipe.mjs";

const id = "alternative-payments";
const results = {};
const sandbox = await startSandbox({ providers: [id] });
const requests = () => sandbox.stats[id].tokenRequests;
async function check(name, client) {
  const auth = createAuth({ ...sandbox.credentials[id], baseUrl: sandbox.baseUrls[id] });
  try {
    const api = client(auth);
    if ((await api()) !== 200) throw new Error("first call refused");
    const before = requests();
    sandbox.revokeTokens(id);
    const status = await api();
    if (status !== 200) throw new Error(`after revocation the API answered ${status}`);
    if (requests() !== before + 1) throw new Error(`${requests() - before} new tokens, not 1`);
    results[name] = "pass";
  } catch (error) {
    results[name] = `fail: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    await auth.close();
  }
}
await check("ky + authFetch", (auth) => {
  const client = ky.create({ prefixUrl: sandbox.baseUrls[id], fetch: authFetch(auth), retry: 0 });
  return async () => (await client.get("api/ping")).status;
});
await check("axios recipe", (auth) => {
  const client = withAuth(axios.create({ baseURL: sandbox.baseUrls[id] }), auth);
  return async () => (await client.get("/api/ping")).status;
});
await sandbox.close();
console.log(JSON.stringify(results));

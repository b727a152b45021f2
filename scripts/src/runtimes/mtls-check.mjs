// A client certificate (RFC 8705) on this runtime, the way its README section shows: the
// manager's `fetch` presents the certificate (Node: undici's Agent; Bun: fetch's `tls`; Deno: a
// `Deno.createHttpClient` with `cert` and `key`). Against run.ts's node:https server, which
// refuses a connection without a certificate its CA signed. Prints one JSON line.
import { readFileSync } from "node:fs";
import { createAuth } from "@auth/alternative-payments";

const { MTLS_URL: baseUrl, MTLS_DIR: dir, MTLS_CLIENT_ID, MTLS_CLIENT_SECRET } = process.env;
const read = (name) => readFileSync(`${dir}/${name}`, "utf8");
const ca = read("ca.crt");

/** The runtime's fetch, presenting the client certificate or (certified false) none. */
async function fetchFor(certified) {
  const identity = certified ? { cert: read("client.crt"), key: read("client.key") } : {};
  if (typeof Bun !== "undefined")
    return (input, init) => fetch(input, { ...init, tls: { ca, ...identity } });
  if (typeof Deno !== "undefined") {
    const client = Deno.createHttpClient({ caCerts: [ca], ...identity });
    return (input, init) => fetch(input, { ...init, client });
  }
  const { Agent, fetch: undiciFetch } = await import("undici");
  const dispatcher = new Agent({ connect: { ca, ...identity } });
  // A generated package sends a WHATWG Request (openapi-fetch), which another undici cannot
  // read: hand it the Request's parts.
  return (input, init) =>
    input instanceof Request
      ? undiciFetch(input.url, {
          method: input.method,
          headers: [...input.headers],
          body: input.body,
          duplex: "half",
          redirect: input.redirect,
          signal: input.signal,
          ...init,
          dispatcher,
        })
      : undiciFetch(input, { ...init, dispatcher });
}

const credentials = { clientId: MTLS_CLIENT_ID, clientSecret: MTLS_CLIENT_SECRET, baseUrl };
const check = "client certificate (mTLS)";
let result;
try {
  const token = await createAuth({ ...credentials, fetch: await fetchFor(true) }).getToken();
  // Without the certificate the handshake fails: a network error, never a token.
  const refused = await createAuth({
    ...credentials,
    fetch: await fetchFor(false),
    retry: { maxAttempts: 1 },
  })
    .getToken()
    .then(
      () => "a token",
      (error) => error.code,
    );
  result =
    token.accessToken === "mtls-token" && refused === "network_error"
      ? "pass"
      : `fail: certified ${token.accessToken}, uncertified ${refused}`;
} catch (error) {
  result = `fail: ${error.code ?? ""} ${String(error.message).slice(0, 200)}`;
}
console.log(JSON.stringify({ [check]: result }));
// Deno keeps a custom HttpClient open; exit once the line is out.
if (typeof Deno !== "undefined") Deno.exit(0);

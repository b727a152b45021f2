import { envVariable, literal, mdCode, mdText } from "../emit.ts";
import { generatedMarkdownHeader } from "./header.ts";
import { type ProviderModel, seededRefresh } from "../model/model.ts";

/** `clientId` of `enkash` → `process.env.ENKASH_CLIENT_ID!` */
function placeholder(name: string, id: string): string {
  return `process.env.${envVariable(id, name)}!`;
}

/** `README.md` of the provider package: install, usage, options, errors — built from the same model as the code. */
/** What the spec says of each credential, as a list and a blank line; nothing when it says nothing. */
function credentialDescriptions(model: ProviderModel): string {
  const items = model.credentials
    .filter((c) => c.description)
    .map((c) => `- ${mdCode(c.name)}: ${mdText(c.description)}`);
  return items.length > 0 ? `${items.join("\n")}\n\n` : "";
}

export function renderReadme(model: ProviderModel): string {
  const environments = Object.keys(model.environments);
  const needsBaseUrl = environments.length === 0;
  const { credentialLines, optionLines } = usageLines(model);
  const { headerName, presented } = presentationOf(model);
  const requestText = requestSentence(model);
  const constantsText = constantsSentence(model);
  const failuresText = failuresParagraph(model);
  const expiryText = expirySentence(model);
  const wireText =
    model.expiryWire === "string"
      ? ` The provider sends it as a decimal string (\`"3599"\`), parsed strictly: anything but digits and an optional fraction is an \`invalid_token_response\`.`
      : "";
  return `${generatedMarkdownHeader(model.specFile)}# ${model.packageName}

${mdText(model.summary)}

A typed token manager for **${mdText(model.title)}**, generated from \`${model.specFile}\` (shipped with the package as [\`openapi.yaml\`](./openapi.yaml)). ESM only: Node ≥ 20.19 (where \`require()\` of ES modules works unflagged), Bun, Deno, browsers and edge runtimes.
You hand it your credentials once; \`getToken()\` returns a cached token, renews it in the background
before it expires, shares one request between concurrent callers, and never retries a credentials
failure.

## Install

\`\`\`sh
npm install ${model.packageName}
\`\`\`

Node 20 or later. The runtime code uses only web-standard APIs (\`fetch\`, \`AbortSignal\`,
\`TextEncoder\`, \`btoa\`), no Node-only modules.

## Usage

\`\`\`ts
import { createAuth } from "${model.packageName}";

const auth = createAuth({
${credentialLines.join("\n")}
${optionLines.join("\n")}
});

const token = await auth.getToken(); // cached until shortly before expiry
const header = await auth.getAuthorizationHeader(); // ${headerName}: ${literal(presented.replace("<token type>", "Bearer").replace("<token>", "…"))}
\`\`\`

With [openapi-fetch](https://openapi-ts.dev/openapi-fetch/), let the middleware add the header and
replay a request once after a 401 (a separate function, so code that never uses it does not ship it):

\`\`\`ts
import createClient from "openapi-fetch";
import { authMiddleware } from "${model.packageName}";

const client = createClient<YourApiPaths>({ baseUrl: "https://api.example" });
client.use(authMiddleware(auth));
\`\`\`

Without openapi-fetch, \`authFetch(auth)\` is a \`fetch\` with the same guarantees (the header,
one replay after a 401, the token kept on its origin), for plain \`fetch\`, ky or any client
that takes a \`fetch\`:

\`\`\`ts
import { authFetch } from "${model.packageName}";

const call = authFetch(auth);
const response = await call("https://api.example/v1/things");
\`\`\`

Observe what the manager does (requests, retries, background refreshes, store failures) with
\`onTokenEvent\`, also a separate function; events never carry a secret or a token:

\`\`\`ts
import { onTokenEvent } from "${model.packageName}";

const stop = onTokenEvent(auth, (event) => console.log(event.type, event));
\`\`\`

The same events are published on \`node:diagnostics_channel\` (\`auth:token-event\`, and the
\`TracingChannel\` \`auth:token-request\` around each token request) for APM agents and
OpenTelemetry. CommonJS (\`require\`, jest, TypeScript \`module: node16\`) works as is.

## Credentials

${model.minted ? mintedSentence(model) : `The token request is ${requestText}.`}${constantsText} API calls carry the token as
${mdCode(`${headerName}: ${presented}`)} (\`auth.tokenHeader\` names the header).

| option | sent as | required | secret |
| --- | --- | --- | --- |
${model.credentials.map((c) => `| ${mdCode(c.name)} | ${placementOf(model, c)} | ${c.required ? "yes" : "no"} | ${c.secret ? "yes" : "no"} |`).join("\n")}

${credentialDescriptions(model)}Secrets never appear in errors, events, \`JSON.stringify\` or \`util.inspect\` output. Keep them on
the server: a browser should receive only what your backend chooses to give it.

## Environments

${needsBaseUrl ? "The provider's host is not published: `baseUrl` is required (https, or http on a loopback address)." : `| environment | base URL |\n| --- | --- |\n${environments.map((e) => `| ${mdCode(e)} | ${mdCode(model.environments[e]!)} |`).join("\n")}\n\nPass \`baseUrl\` instead of \`environment\` to use another host (https, or http on a loopback address).`}${variablesSection(model)}

## Token lifetime

${expiryText}${wireText}${refreshText(model)}

## Errors

Every failure is an \`AuthError\` from \`@auth/core\` with a stable \`code\`
(\`invalid_credentials\`, \`rate_limited\`, \`endpoint_error\`, \`invalid_token_response\`,
\`network_error\`, \`timeout\`, \`redirect_refused\`, \`response_too_large\`, \`aborted\`, \`closed\`,
\`insecure_url\`, \`invalid_options\`). Use \`AuthError.isInstance(error)\` to check it. Redirects are never
followed, response bodies are capped (\`maxResponseBytes\`, 1 MiB), and no secret or token ever
appears in an error. After a 429 or during an outage every caller shares one cooldown; errors then
carry \`retryAfterMs\`. ${model.minted ? "Minting sends nothing: a key that is not a PKCS#8 PEM or a JWK for its algorithm is `invalid_options` on the first `getToken()`, and a token the API refuses is its 401, which `authMiddleware` answers by replaying the call once with a newly signed token." : `Documented error statuses of this endpoint:\n${model.errorStatuses.map((s) => mdCode(s)).join(", ") || "none"}.`}${failuresText}
Credentials failures are never retried automatically, and are remembered ${model.lockoutAfter ? "for the life of the client" : "for a minute"} so a
burst of callers does not re-send them.${model.lockoutAfter ? `\n\n> **${mdText(model.title)} locks the account after ${model.lockoutAfter} consecutive failed logins.** Any 4xx answer to\n> the login except 408 and 429 counts as a failed login. A client sends a failing login once, then\n> answers every later call from the remembered failure: fix the credentials and create a new\n> client, or, once the account is fixed at the provider, call \`auth.clearCredentialsFailure()\`.` : ""}

\`await auth.close()\` (or \`await using auth = createAuth(…)\`) ends the client: it aborts any request
in flight. Every option is described in \`@auth/core\`'s README.

## Types

\`TokenResponse\`${model.hasRequestBody ? ", `TokenRequestBody`" : ""}${model.queryParameters.length > 0 ? ", `TokenRequestQuery`" : ""} and the openapi-typescript \`paths\`, \`components\` and \`operations\`
types are exported for your frontend and backend code.
`;
}

/** The server variables: each option, what it may be, and the host-injection guarantee. */
function variablesSection(model: ProviderModel): string {
  if (model.variables.length === 0) return "";
  const shape = {
    label: "one DNS label (letters, digits, dashes)",
    host: "a host name",
    port: "a port number",
    path: "one path segment (letters, digits, `-._~`)",
  };
  const rows = model.variables.map(
    (v) =>
      `| ${mdCode(v.name)} | ${v.enum ? v.enum.map((e) => mdCode(e)).join(", ") : shape[v.in]}${v.pattern ? `, matching ${mdCode(v.pattern)}` : ""} | ${v.default !== undefined ? mdCode(v.default) : "required"} |`,
  );
  return `\n\nThe server URL has variables; each is an option of \`createAuth\`, checked before it is put into the URL (also when \`baseUrl\` is given, since the request may use it). A value that could change the host (a \`/\`, \`@\`, \`:\`, \`?\`, \`#\`, \`%\`, a space, or a second label) is an \`invalid_options\` error and nothing is sent.\n\n| option | value | default |\n| --- | --- | --- |\n${rows.join("\n")}`;
}

/** The usage example's credential lines (from the environment) and where the provider is. */
function usageLines(model: ProviderModel): { credentialLines: string[]; optionLines: string[] } {
  const environments = Object.keys(model.environments);
  return {
    credentialLines: model.credentials.map((c) => `  ${c.name}: ${placeholder(c.name, model.id)},`),
    optionLines: [
      ...model.variables
        .filter((v) => v.default === undefined)
        .map((v) => `  ${v.name}: ${literal(v.example)}, // server variable: your own value`),
      ...(environments.length === 0
        ? ['  baseUrl: "https://your-host.example", // required: the host is not published']
        : [
            `  environment: ${literal(environments.includes("sandbox") ? "sandbox" : environments[0])}, // ${environments.map((e) => literal(e)).join(" | ")}`,
          ]),
    ],
  };
}

/** Where a credential travels in the token request, in words. */
function placementOf(model: ProviderModel, c: ProviderModel["credentials"][number]): string {
  return c.in === "none"
    ? model.assertion?.key === c.name
      ? `signs the ${model.assertion.alg} assertion; never sent`
      : "used in built values; never sent itself"
    : c.in === "basic"
      ? `HTTP Basic ${c.part}`
      : c.in === "header"
        ? `${mdCode(c.header)} header`
        : c.in === "query"
          ? `${mdCode(c.field)} query parameter`
          : `${mdCode(c.field)} ${model.bodyEncoding === "json" ? "JSON body" : "form"} field`;
}

/** The header API calls carry, and its value's shape. */
function presentationOf(model: ProviderModel): { headerName: string; presented: string } {
  const scheme = model.presentation?.scheme;
  return {
    headerName: model.presentation?.header ?? "Authorization",
    presented:
      scheme === undefined
        ? "<token type> <token>"
        : scheme === ""
          ? "<token>"
          : `${scheme} <token>`,
  };
}

/** `POST /oauth/token with a form body and grant_type=… in the body`. */
function requestSentence(model: ProviderModel): string {
  return [
    mdCode(`${model.method.toUpperCase()} ${model.tokenPath}`),
    model.bodyEncoding
      ? `with a ${model.bodyEncoding === "json" ? "JSON" : "form"} body`
      : "without a body",
    model.grant
      ? `and ${mdCode(`${model.grantField}=${model.grant}`)} in the ${model.paramsIn === "query" ? "query string" : "body"}`
      : "",
  ]
    .filter(Boolean)
    .join(" ");
}

function constantsSentence(model: ProviderModel): string {
  const fixed =
    model.constants.length > 0
      ? ` Every request also carries ${model.constants.map((c) => `${mdCode(`${c.name}: ${typeof c.value === "string" ? c.value : JSON.stringify(c.value)}`)} (${c.in})`).join(", ")}.`
      : "";
  const built =
    model.computed.length > 0
      ? ` \`createAuth\` builds ${model.computed.map((c) => `${mdCode(c.target)} (${c.in}) as ${mdCode(c.template)}`).join(", ")} from your options${model.computed.some((c) => c.in === "body") ? "; a built body field is sent with the first grant only, like a body credential" : ""}.`
      : "";
  const computed =
    model.computedValues.length > 0
      ? ` Each request also carries values computed for it: ${model.computedValues
          .filter((v) => v.in !== "none")
          .map(
            (v) =>
              `${mdCode(v.field ?? v.name)} (${v.in}: ${v.kind === "timestamp" ? `timestamp, ${v.format ?? "unix-seconds"}` : v.kind === "nonce" ? "random nonce" : `${v.kind} ${v.algorithm ?? "SHA-256"} of ${mdCode(v.message ?? "")}`})`,
          )
          .join(", ")}.`
      : "";
  return fixed + built + computed;
}

/** The spec's failure rules, in words. */
function failuresParagraph(model: ProviderModel): string {
  const rules = model.failures?.rules ?? [];
  return rules.length > 0
    ? `\n\nThe spec classifies these answers: ${rules
        .map(
          (r) =>
            `${r.status.join("/")}${r.pointer ? ` with ${mdCode(r.pointer)} = ${r.equals!.map((v) => mdCode(JSON.stringify(v))).join(" or ")}` : ""} → ${r.kind.replace("_", " ")}`,
        )
        .join("; ")}. Anything else falls back to OAuth 2.0 (RFC 6749) rules.`
    : "";
}

/** A minted token: who signs it, with what, and that nothing is sent. */
function mintedSentence(model: ProviderModel): string {
  const assertion = model.assertion!;
  const claims = Object.entries(assertion.claims).map(([k, v]) => mdCode(`${k}: ${String(v)}`));
  const built = model.computed
    .filter((c) => c.name.startsWith("claim:") || c.name === "header:kid")
    .map((c) => mdCode(`${c.target.replace(/^claim:|^header:/, "")}: ${c.template}`));
  return `There is no token endpoint: the token is a JWT this client signs itself with ${mdCode(assertion.key)} (${assertion.alg}${assertion.kid ? `, ${mdCode(`kid: ${assertion.kid}`)}` : ""}), with the claims ${[...claims, ...built].join(", ")}, a random \`jti\`, and \`iat\`/\`exp\` from the clock. Nothing is sent to get it.`;
}

/** How expiry is read, in words. */
function expirySentence(model: ProviderModel): string {
  const expiry = model.expiry;
  if (model.minted)
    return `Each token is signed to live ${model.assertion!.lifetimeSeconds} s (its own \`exp\`); the manager signs the next one shortly before that, in the background while the current one is still served.`;
  if (expiry === undefined)
    return "The response carries no expiry; the token's JWT `exp` claim is used if present, otherwise a 5-minute lifetime.";
  const jwt = expiry.jwtExp ? "; when the field is missing, from the JWT `exp` claim" : "";
  const fallback =
    expiry.lifetimeSeconds !== undefined
      ? `the lifetime the provider documents, ${expiry.lifetimeSeconds} s, is assumed`
      : "a 5-minute lifetime is assumed";
  if (expiry.field === undefined)
    return `The response carries no expiry${expiry.jwtExp ? "; the JWT `exp` claim is used, and without one" : ";"} ${fallback}.`;
  const field = mdCode(expiry.field);
  const absolute = (what: string) =>
    `Expiry is read from ${field}, ${what}, corrected for the server's clock with the response \`Date\` header${expiry.lifetimeSeconds !== undefined ? `; without it, ${fallback}` : ""}.`;
  switch (expiry.kind) {
    case "relative-seconds":
    case "relative-milliseconds":
    case "relative-duration":
      return `Expiry is read from ${field} (${expiry.kind === "relative-seconds" ? "seconds" : expiry.kind === "relative-milliseconds" ? "milliseconds" : "an ISO 8601 duration such as `PT3600S`"}, counted from when the request started)${jwt}; if neither is present, ${fallback}.`;
    case "absolute-iso8601":
      return absolute("an RFC 3339 date-time with a time zone");
    default:
      return absolute(
        `an absolute Unix timestamp${expiry.kind === "absolute-auto" ? " in seconds or milliseconds, decided by magnitude (below 10^11 it is seconds)" : expiry.kind === "absolute-seconds" ? " in seconds" : " in milliseconds"}`,
      );
  }
}

/** How the manager renews: with a refresh token it was issued, or one it was given (seeded). */
function refreshText(model: ProviderModel): string {
  if (!model.refreshGrant && !model.refresh) return "";
  const lifetime = model.expiry?.refreshLifetimeSeconds;
  const kept =
    lifetime === undefined
      ? ""
      : ` A refresh token lives ${lifetime} s (${Math.round(lifetime / 86_400)} days): with a shared \`store\`, the newest one is kept that long, past its access token, so a restart or another process renews with it instead of replaying one the provider has rotated away. Without a store, a restart starts again from the credential.`;
  const seed = seededRefresh(model);
  if (seed)
    return `\n\nThe first refresh token is the ${mdCode(seed.name)} credential, issued once through a consent flow outside this client. The manager renews with the newest refresh token the provider answered with (the provider may rotate them), and with ${mdCode(seed.name)} again only when that one is rejected.${kept}`;
  if (model.refresh) {
    const sent = model.refresh.credentials.map((c) => mdCode(c.name)).join(", ");
    return `\n\nThe provider issues a refresh token, renewed by a request of its own: ${mdCode(`POST ${model.refresh.path}`)} with the refresh token in ${mdCode(model.refresh.refreshTokenField)}${model.refresh.grantField ? ` and the ${mdCode(model.refreshGrant ?? "")} grant` : ""}${sent ? `, sending ${sent}` : ", sending no other credential"}. The manager keeps the old refresh token when an answer omits one, and logs in again (the ${mdCode(model.tokenPath)} request) when the refresh is rejected.${kept}`;
  }
  return `\n\nThe provider issues a refresh token: the manager renews with the ${mdCode(model.refreshGrant!)} grant, keeps the old refresh token when the response omits one, and falls back to the ${mdCode(model.grant ?? "")} grant when the refresh is rejected.${kept}`;
}

import { isObject, type JsonObject } from "../load-spec.ts";
import { checkKeys, type ModelContext, TEMPLATE_PLACEHOLDER } from "./context.ts";
import type { CredentialModel } from "./credentials.ts";
import type { RequestSpec } from "./operation.ts";

const ALGS = ["RS256", "PS256", "ES256"] as const;
/** Claims the signer sets on every assertion itself. */
const RESERVED_CLAIMS = new Set(["iat", "exp", "jti", "nbf"]);
const MAX_LIFETIME_SECONDS = 3600;

/** A claim or `kid` built from options: core finds it as the credential `claim:<name>` / `header:kid`. */
export interface TemplatedValue {
  readonly name: string;
  readonly template: string;
  readonly references: string[];
  /** Names given a default (`{name=text}`). */
  readonly defaulted: string[];
  readonly at: string;
}

/** The spec's `assertion`: what `signAssertion` signs, and where the JWT goes (RFC 7523). */
export interface AssertionModel {
  /** `token`: the JWT is the access token, minted locally (the extension's `mint`). */
  readonly use: "client-auth" | "grant" | "token";
  readonly alg: (typeof ALGS)[number];
  readonly key: string;
  /** Fixed claims; templated ones are in `templated`. */
  readonly claims: Record<string, string | number | boolean>;
  readonly kid?: string;
  readonly lifetimeSeconds: number;
  readonly templated: TemplatedValue[];
}

/**
 * Reads `assertion` and checks it against the credentials and the request body: the key is a
 * secret `in: none` credential, the body has the fields the JWT goes into, and the claims the
 * signer owns are not set by the spec. Returns the body fields it supplies.
 */
export function readAssertion(
  context: ModelContext,
  extension: JsonObject,
  spec: RequestSpec,
  credentials: readonly CredentialModel[],
  grant: string | undefined,
  /** `mint`: a token the client signs itself; no request carries it. */
  field: "assertion" | "mint" = "assertion",
): { assertion?: AssertionModel; supplies: string[] } {
  const { report, extPointer } = context;
  const minted = field === "mint";
  const raw = extension[field];
  if (raw === undefined) return { supplies: [] };
  const at = `${extPointer}/${field}`;
  if (!isObject(raw)) {
    report(at, `must be a mapping with ${minted ? "" : "use, "}alg, key and claims`);
    return { supplies: [] };
  }
  checkKeys(
    context,
    raw,
    [...(minted ? [] : ["use"]), "alg", "key", "kid", "claims", "lifetimeSeconds"],
    at,
  );
  let ok = true;
  const problem = (where: string, message: string) => {
    report(where, message);
    ok = false;
  };
  const use = minted ? "token" : raw.use;
  if (use !== "client-auth" && use !== "grant" && use !== "token")
    problem(
      `${at}/use`,
      'must be "client-auth" (client_assertion, RFC 7523 §2.2) or "grant" (the jwt-bearer grant\'s assertion, §2.1)',
    );
  const alg = raw.alg;
  if (!ALGS.includes(alg as never)) problem(`${at}/alg`, `must be one of ${ALGS.join(", ")}`);
  const keyCredential = credentials.find((c) => c.name === raw.key);
  if (keyCredential === undefined || keyCredential.in !== "none" || !keyCredential.secret)
    problem(
      `${at}/key`,
      "must name a secret credential with in: none (the private key: a PKCS#8 PEM or a JWK)",
    );
  const lifetime = raw.lifetimeSeconds ?? 300;
  if (
    typeof lifetime !== "number" ||
    !Number.isInteger(lifetime) ||
    lifetime < 1 ||
    lifetime > MAX_LIFETIME_SECONDS
  )
    problem(
      `${at}/lifetimeSeconds`,
      `must be a whole number of seconds from 1 to ${MAX_LIFETIME_SECONDS}`,
    );
  const supplies =
    use === "grant"
      ? ["assertion"]
      : use === "client-auth"
        ? ["client_assertion_type", "client_assertion"]
        : [];
  // A minted token is sent nowhere: there is no body to check.
  if (!minted && (!spec.hasBody || spec.bodyEncoding !== "form"))
    problem(at, "a signed assertion travels in a form body (application/x-www-form-urlencoded)");
  else
    for (const field of supplies)
      if (!spec.bodyProperties.has(field))
        problem(at, `the request body schema has no "${field}" field for the assertion`);
  if (use === "grant" && grant === undefined)
    problem(
      `${at}/use`,
      "the jwt-bearer grant needs its grant value (grant: urn:ietf:params:oauth:grant-type:jwt-bearer)",
    );

  const claims: Record<string, string | number | boolean> = {};
  const templated: TemplatedValue[] = [];
  const template = (name: string, value: string, where: string): boolean => {
    if (!/[{}]/.test(value)) return false;
    if (/[{}]/.test(value.replace(TEMPLATE_PLACEHOLDER, "")))
      problem(
        where,
        "a template's placeholders are {name}, a server variable or a credential (camelCase); no other braces",
      );
    const references = [...value.matchAll(TEMPLATE_PLACEHOLDER)].map((m) => m[1]!);
    if (references.includes(String(raw.key)))
      problem(where, "the signing key cannot be part of a claim");
    const defaulted = [...value.matchAll(TEMPLATE_PLACEHOLDER)]
      .filter((m) => m[2])
      .map((m) => m[1]!);
    templated.push({ name, template: value, references, defaulted, at: where });
    return true;
  };
  if (!isObject(raw.claims))
    problem(`${at}/claims`, "must map claim names to values (iss, sub, …)");
  else
    for (const [name, value] of Object.entries(raw.claims)) {
      const where = `${at}/claims/${name.replaceAll("~", "~0").replaceAll("/", "~1")}`;
      if (RESERVED_CLAIMS.has(name))
        problem(where, `${name} is set by the signer for every request; remove it`);
      else if (typeof value === "string") {
        if (!template(`claim:${name}`, value, where)) claims[name] = value;
      } else if (
        typeof value === "boolean" ||
        (typeof value === "number" && Number.isFinite(value))
      )
        claims[name] = value;
      else problem(where, "must be a string, a number or a boolean");
    }
  let kid: string | undefined;
  if (raw.kid !== undefined) {
    if (typeof raw.kid !== "string" || raw.kid === "")
      problem(`${at}/kid`, "must be a non-empty string");
    else if (!template("header:kid", raw.kid, `${at}/kid`)) kid = raw.kid;
  }
  if (!ok) return { supplies };
  return {
    supplies,
    assertion: {
      use: use as AssertionModel["use"],
      alg: alg as AssertionModel["alg"],
      key: String(raw.key),
      claims,
      ...(kid !== undefined ? { kid } : {}),
      lifetimeSeconds: lifetime as number,
      templated,
    },
  };
}

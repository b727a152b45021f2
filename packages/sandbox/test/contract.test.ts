import {
  constants,
  createHash,
  createHmac,
  createPrivateKey,
  publicEncrypt,
  randomBytes,
  randomUUID,
  sign,
} from "node:crypto";
import { otherKey } from "./keys.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providers, startSandbox, type Sandbox } from "../src/index.js";

type AddFormats = (ajv: Ajv2020) => unknown;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as unknown as AddFormats;

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

function validatorFor(document: Record<string, unknown>, path: string, method: string) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addFormat("password", true);
  ajv.addSchema({ ...document, $id: "spec" });
  const responses = ((document.paths as Record<string, Record<string, Record<string, unknown>>>)[
    path
  ]![method]!.responses ?? {}) as Record<string, unknown>;
  const escape = (key: string) => key.replaceAll("~", "~0").replaceAll("/", "~1");
  return (status: number, body: unknown) => {
    if (!(String(status) in responses)) return `status ${status} is not documented`;
    // The documented response may be a $ref (components/responses) and may have no JSON body at
    // all (no content, text/plain): then only the status is checked.
    let at = `#/paths/${escape(path)}/${method}/responses/${status}`;
    let response = responses[String(status)] as Record<string, unknown> | undefined;
    for (let hops = 0; typeof response?.$ref === "string" && hops < 10; hops++) {
      at = response.$ref as string;
      response = (at.slice(2).split("/") as string[]).reduce<unknown>(
        (node, key) =>
          (node as Record<string, unknown> | undefined)?.[
            key.replaceAll("~1", "/").replaceAll("~0", "~")
          ],
        document,
      ) as Record<string, unknown> | undefined;
    }
    const content = (response?.content ?? {}) as Record<string, { schema?: unknown }>;
    const media = Object.keys(content).find((m) => /^application\/(.+\+)?json\b/.test(m));
    if (media === undefined || content[media]?.schema === undefined) return undefined;
    const validate = ajv.compile({ $ref: `spec${at}/content/${escape(media)}/schema` });
    return validate(body) ? undefined : ajv.errorsText(validate.errors);
  };
}

/** Raw requests that make the sandbox produce each documented kind of answer. */
function basic(username: string, password: string) {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}

/** A response field: a top-level name or a JSON Pointer. */
function read(body: unknown, field: string): unknown {
  const path = field.startsWith("/") ? field.slice(1).split("/") : [field];
  return path.reduce<unknown>(
    (node, key) =>
      typeof node === "object" && node !== null
        ? (node as Record<string, unknown>)[key]
        : undefined,
    body,
  );
}

// A provider whose client mints its own tokens has no token endpoint to validate.
describe.each(
  providers.filter((p) => p.exchange.assertion?.use !== "token").map((p) => [p.id, p] as const),
)("%s: every sandbox response validates against the spec", (id, provider) => {
  const exchange = provider.exchange;
  const method = exchange.method ?? "POST";
  const grantField = exchange.grantField ?? "grant_type";
  /** Built by hand from the generated exchange data, as the provider's docs describe the call. */
  const request = async (
    overrides: {
      credentials?: Record<string, string>;
      /** Grant parameters (body or query, where the spec puts them); undefined removes one. */
      params?: Record<string, string | undefined>;
      /** Leave out the spec's fixed parameters. */
      omitConstants?: boolean;
    } = {},
  ) => {
    const credentials: Record<string, string> = {
      ...sandbox.credentials[id as keyof typeof sandbox.credentials],
      ...overrides.credentials,
    };
    const headers: Record<string, string> = {};
    const body: Record<string, string | number | boolean> = {};
    const query: Record<string, string> = {};
    const params: Record<string, string | number | boolean> =
      exchange.paramsIn === "query" ? query : body;
    if (exchange.grant) params[grantField] = exchange.grant;
    for (const constant of overrides.omitConstants ? [] : (exchange.constants ?? []))
      (constant.in === "body" ? body : constant.in === "query" ? query : headers)[constant.name] =
        constant.value as string;
    let user = "";
    let pass = "";
    for (const c of exchange.credentials) {
      // A templated value (`urn:acme:{accountId}`) is filled as the provider documents it.
      const value =
        c.template?.replace(
          /\{([^{}=]*)(?:=([^{}]*))?\}/g,
          (_, name: string, fallback?: string) => credentials[name] || fallback || "",
        ) ??
        credentials[c.name] ??
        "";
      if (c.in === "basic") c.part === "username" ? (user = value) : (pass = value);
      else if (c.in === "header") headers[c.header] = value;
      else if (c.in === "query") query[c.field] = value;
      else if (c.in === "body") body[c.field] = value;
    }
    // A signed assertion, as RFC 7523 describes it, signed here with node:crypto.
    const assertion = exchange.assertion;
    const primary = !overrides.params || overrides.params[grantField] === undefined;
    if (assertion && (assertion.use === "client-auth" || primary)) {
      const expand = (text: string) =>
        text.replace(
          /\{([^{}=]*)(?:=([^{}]*))?\}/g,
          (_, name: string, fallback?: string) => credentials[name] || fallback || "",
        );
      const claims: Record<string, unknown> = {
        aud: `${sandbox.baseUrls[id as keyof typeof sandbox.baseUrls]}${exchange.tokenPath}`,
        ...assertion.claims,
        iat: Math.floor(Date.now() / 1000),
        exp: Math.floor(Date.now() / 1000) + 60,
        jti: randomUUID(),
      };
      let kid = assertion.kid;
      for (const c of exchange.credentials) {
        if (c.template === undefined || c.in !== "none") continue;
        if (c.name === "header:kid") kid = expand(c.template);
        else claims[c.name.slice("claim:".length)] = expand(c.template);
      }
      const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
      const input = `${part({ alg: assertion.alg, typ: "JWT", ...(kid ? { kid } : {}) })}.${part(claims)}`;
      const key = createPrivateKey(credentials[assertion.key]!);
      const signature = sign(
        "sha256",
        Buffer.from(input),
        assertion.alg === "ES256"
          ? { key, dsaEncoding: "ieee-p1363" }
          : assertion.alg === "PS256"
            ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
            : key,
      ).toString("base64url");
      const jwt = `${input}.${signature}`;
      if (assertion.use === "grant") body.assertion = jwt;
      else {
        body.client_assertion_type = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
        body.client_assertion = jwt;
      }
    }
    if (user || pass) headers.authorization = basic(user, pass);
    // Computed values, made here with node:crypto as the provider's docs describe them.
    const named: Record<string, string> = { ...credentials };
    for (const value of exchange.computed ?? []) {
      const encoded =
        exchange.bodyEncoding === "json"
          ? JSON.stringify(body)
          : new URLSearchParams(body as Record<string, string>).toString();
      const message = (value.message ?? "").replace(/\{([^{}]*)\}/g, (_, name: string) =>
        name === "body" ? encoded : (named[name] ?? ""),
      );
      const hash = (value.algorithm ?? "SHA-256").replace("-", "").toLowerCase();
      const encoding = value.encoding ?? (value.kind === "rsa-oaep" ? "base64" : "hex");
      const result =
        value.kind === "timestamp"
          ? String(Math.floor(Date.now() / 1000))
          : value.kind === "nonce"
            ? randomBytes(16).toString("hex")
            : value.kind === "hash"
              ? createHash(hash).update(message).digest(encoding)
              : value.kind === "hmac"
                ? createHmac(hash, named[value.key!] ?? "")
                    .update(message)
                    .digest(encoding)
                : publicEncrypt(
                    {
                      key: named[value.key!]!,
                      padding: constants.RSA_PKCS1_OAEP_PADDING,
                      oaepHash: hash,
                    },
                    Buffer.from(message),
                  ).toString("base64");
      named[value.name] = result;
      if (value.in === "header") headers[value.field!] = result;
      else if (value.in === "body") body[value.field!] = result;
    }
    for (const [k, v] of Object.entries(overrides.params ?? {}))
      v === undefined ? delete params[k] : (params[k] = v);
    const search = new URLSearchParams(query).toString();
    const hasBody = method === "POST" && Object.keys(body).length > 0;
    if (hasBody)
      headers["content-type"] =
        exchange.bodyEncoding === "json" ? "application/json" : "application/x-www-form-urlencoded";
    const response = await fetch(
      `${sandbox.baseUrls[id as keyof typeof sandbox.baseUrls]}${exchange.tokenPath}${search ? `?${search}` : ""}`,
      {
        method,
        headers,
        ...(hasBody
          ? {
              body:
                exchange.bodyEncoding === "json"
                  ? JSON.stringify(body)
                  : new URLSearchParams(body as Record<string, string>),
            }
          : {}),
      },
    );
    // Where the token is the text body or a header, read it there, as the provider documents it.
    const text = await response.text();
    const field = exchange.response.accessToken;
    const type = response.headers.get("content-type") ?? "";
    const parsed: Record<string, unknown> =
      field === "body:text" && response.ok && type.startsWith("text/plain")
        ? { [field]: text.trim() }
        : text === ""
          ? {}
          : (JSON.parse(text) as Record<string, unknown>);
    if (field.startsWith("header:") && response.headers.has(field.slice(7)))
      parsed[field] = response.headers.get(field.slice(7));
    return { status: response.status, body: parsed };
  };
  const validate = validatorFor(
    provider.document as Record<string, unknown>,
    exchange.tokenPath,
    method.toLowerCase(),
  );
  const credentialsRule = exchange.failures?.rules?.find((r) => r.kind === "credentials");

  it("issues tokens in the documented 200 shape", async () => {
    const { status, body } = await request();
    expect(status).toBe(200);
    const field = exchange.response.accessToken;
    // The JSON body is validated as documented; the token read where the spec says it is.
    const { [field]: _token, ...json } = body;
    const located = field === "body:text" || field.startsWith("header:");
    expect(validate(status, located ? json : body)).toBeUndefined();
    expect(typeof read(body, field)).toBe("string");
    if (credentialsRule?.pointer !== undefined)
      expect(credentialsRule.equals).not.toContain(read(body, credentialsRule.pointer));
  });

  if (exchange.refreshGrant !== undefined)
    it("answers the refresh grant in the 200 shape, rotating the refresh token", async () => {
      const first = await request();
      const refreshToken = String(read(first.body, exchange.response.refreshToken!));
      const refresh = {
        [grantField]: exchange.refreshGrant!,
        refresh_token: refreshToken,
        username: undefined,
        password: undefined,
      };
      const renewed = await request({ params: refresh });
      expect(renewed.status).toBe(200);
      expect(validate(renewed.status, renewed.body)).toBeUndefined();
      expect(read(renewed.body, exchange.response.refreshToken!)).not.toBe(refreshToken);
      const reused = await request({ params: refresh });
      expect(reused.status).toBe(400);
      expect(validate(reused.status, reused.body)).toBeUndefined();
    });

  const ownRefresh = exchange.refresh;
  if (ownRefresh !== undefined)
    it("answers the refresh request of its own in its documented shapes, refusing a used token", async () => {
      const validateRefresh = validatorFor(
        provider.document as Record<string, unknown>,
        ownRefresh.tokenPath,
        "post",
      );
      const first = await request();
      const refreshToken = String(read(first.body, exchange.response.refreshToken!));
      const credentials = sandbox.credentials[id as keyof typeof sandbox.credentials] as Record<
        string,
        string
      >;
      const json = (ownRefresh.bodyEncoding ?? exchange.bodyEncoding) === "json";
      /** Built by hand from the refresh request's data, as the provider documents it. */
      const renew = async () => {
        const headers: Record<string, string> = {
          "content-type": json ? "application/json" : "application/x-www-form-urlencoded",
        };
        const body: Record<string, string> = {
          [ownRefresh.refreshTokenField ?? "refresh_token"]: refreshToken,
        };
        if (ownRefresh.grantField !== undefined && exchange.refreshGrant !== undefined)
          body[ownRefresh.grantField] = exchange.refreshGrant;
        for (const constant of ownRefresh.constants ?? [])
          (constant.in === "header" ? headers : body)[constant.name] = String(constant.value);
        const basicParts = ["", ""];
        for (const c of ownRefresh.credentials) {
          const value = credentials[c.name] ?? "";
          if (c.in === "header") headers[c.header] = value;
          else if (c.in === "body") body[c.field] = value;
          else if (c.in === "basic") basicParts[c.part === "username" ? 0 : 1] = value;
        }
        if (ownRefresh.credentials.some((c) => c.in === "basic"))
          headers.authorization = basic(basicParts[0]!, basicParts[1]!);
        const response = await fetch(
          `${sandbox.baseUrls[id as keyof typeof sandbox.baseUrls]}${ownRefresh.tokenPath}`,
          {
            method: "POST",
            headers,
            body: json ? JSON.stringify(body) : new URLSearchParams(body),
          },
        );
        return { status: response.status, body: (await response.json()) as unknown };
      };
      const renewed = await renew();
      expect(renewed.status).toBe(200);
      expect(validateRefresh(renewed.status, renewed.body)).toBeUndefined();
      expect(read(renewed.body, exchange.response.refreshToken!)).not.toBe(refreshToken);
      const reused = await renew();
      expect(reused.status).toBe(400);
      expect(validateRefresh(reused.status, reused.body)).toBeUndefined();
    });

  it("rejects wrong client credentials with a documented status and body", async () => {
    const secret =
      exchange.credentials.find((c) => c.secret && c.in !== "body") ??
      exchange.credentials.find((c) => c.secret)!;
    const wrong =
      secret.name === exchange.assertion?.key ? otherKey(exchange.assertion.alg) : "wrong";
    const { status, body } = await request({ credentials: { [secret.name]: wrong } });
    // Where the spec says how this provider answers bad credentials, it answers exactly so.
    if (credentialsRule) {
      expect(credentialsRule.status).toContain(status);
      if (credentialsRule.pointer !== undefined)
        expect(credentialsRule.equals).toContain(read(body, credentialsRule.pointer));
      if (exchange.failures?.message !== undefined)
        expect(typeof read(body, exchange.failures.message)).toBe("string");
    } else expect([401, 403, 400]).toContain(status);
    expect(validate(status, body)).toBeUndefined();
    sandbox.unlock(id);
  });

  if (exchange.grant !== undefined)
    it("rejects a missing grant type with a documented status and body", async () => {
      const { status, body } = await request({ params: { [grantField]: undefined } });
      const failureRule = exchange.failures?.rules?.find((r) => r.kind === "failure");
      if (failureRule) expect(failureRule.status).toContain(status);
      else expect(status).toBeGreaterThanOrEqual(400);
      expect(validate(status, body)).toBeUndefined();
    });

  if ((exchange.constants ?? []).length > 0)
    it("rejects a request without the spec's fixed parameters", async () => {
      const { status, body } = await request({ omitConstants: true });
      expect(validate(status, body)).toBeUndefined();
      expect(status).toBe(400);
    });

  it("answers injected server errors and rate limits in the documented shape where documented", async () => {
    for (const fault of [
      { type: "status", status: 500 },
      { type: "rate-limit", retryAfterSeconds: 1 },
    ] as const) {
      sandbox.faults.inject(id, fault, { times: 1 });
      const { status, body } = await request();
      const problem = validate(status, body);
      if (problem !== `status ${status} is not documented`) expect(problem).toBeUndefined();
    }
  });
});

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

function validatorFor(document: Record<string, unknown>, path: string) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addFormat("password", true);
  ajv.addSchema({ ...document, $id: "spec" });
  const responses = ((document.paths as Record<string, Record<string, Record<string, unknown>>>)[
    path
  ]!.post!.responses ?? {}) as Record<string, unknown>;
  return (status: number, body: unknown) => {
    if (!(String(status) in responses)) return `status ${status} is not documented`;
    const pointer = `#/paths/${path.replaceAll("/", "~1")}/post/responses/${status}/content/application~1json/schema`;
    const validate = ajv.compile({ $ref: `spec${pointer}` });
    return validate(body) ? undefined : ajv.errorsText(validate.errors);
  };
}

/** Raw requests that make the sandbox produce each documented kind of answer. */
function basic(username: string, password: string) {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}

describe.each(providers.map((p) => [p.id, p] as const))(
  "%s: every sandbox response validates against the spec",
  (id, provider) => {
    const exchange = provider.exchange;
    const request = async (
      overrides: {
        credentials?: Record<string, string>;
        form?: Record<string, string | undefined>;
      } = {},
    ) => {
      const credentials: Record<string, string> = {
        ...sandbox.credentials[id as keyof typeof sandbox.credentials],
        ...overrides.credentials,
      };
      const headers: Record<string, string> = {};
      const form: Record<string, string> = {};
      if (exchange.grant) form.grant_type = exchange.grant;
      let user = "";
      let pass = "";
      for (const c of exchange.credentials) {
        const value = credentials[c.name] ?? "";
        if (c.in === "basic") c.part === "username" ? (user = value) : (pass = value);
        else if (c.in === "header") headers[c.header] = value;
        else form[c.field] = value;
      }
      if (user || pass) headers.authorization = basic(user, pass);
      for (const [k, v] of Object.entries(overrides.form ?? {}))
        v === undefined ? delete form[k] : (form[k] = v);
      const response = await fetch(
        `${sandbox.baseUrls[id as keyof typeof sandbox.baseUrls]}${exchange.tokenPath}`,
        {
          method: "POST",
          headers,
          ...(exchange.grant ? { body: new URLSearchParams(form) } : {}),
        },
      );
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const validate = validatorFor(provider.document as Record<string, unknown>, exchange.tokenPath);

    it("issues tokens in the documented 200 shape", async () => {
      const { status, body } = await request();
      expect(status).toBe(200);
      expect(validate(status, body)).toBeUndefined();
      expect(typeof body[exchange.response.accessToken]).toBe("string");
    });

    if (exchange.refreshGrant !== undefined)
      it("answers the refresh grant in the 200 shape, rotating the refresh token", async () => {
        const first = await request();
        const refreshToken = String(first.body[exchange.response.refreshToken!]);
        const renewed = await request({
          form: {
            grant_type: exchange.refreshGrant!,
            refresh_token: refreshToken,
            username: undefined,
            password: undefined,
          },
        });
        expect(renewed.status).toBe(200);
        expect(validate(renewed.status, renewed.body)).toBeUndefined();
        expect(renewed.body[exchange.response.refreshToken!]).not.toBe(refreshToken);
        const reused = await request({
          form: {
            grant_type: exchange.refreshGrant!,
            refresh_token: refreshToken,
            username: undefined,
            password: undefined,
          },
        });
        expect(reused.status).toBe(400);
        expect(validate(reused.status, reused.body)).toBeUndefined();
      });

    it("rejects wrong client credentials with a documented status and body", async () => {
      const secret = exchange.credentials.find((c) => c.secret && c.in !== "body")!;
      const { status, body } = await request({ credentials: { [secret.name]: "wrong" } });
      expect([401, 403, 400]).toContain(status);
      expect(validate(status, body)).toBeUndefined();
      sandbox.unlock(id);
    });

    if (exchange.grant !== undefined)
      it("rejects a missing grant type with a documented status and body", async () => {
        const { status, body } = await request({ form: { grant_type: undefined } });
        expect(validate(status, body)).toBeUndefined();
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
  },
);

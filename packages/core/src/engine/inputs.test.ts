import { afterEach, describe, expect, it } from "vitest";
import type { TokenExchange } from "../contract/exchange.js";
import { startServer } from "../test-support/http-server.js";
import { resolveInputs, withInputs } from "./inputs.js";
import { defineProviderAuth } from "./provider-auth.js";
import { defaultSender } from "../http/request.js";
import { authFetch } from "../middleware/auth-fetch.js";

// A provider documented as: one host per account (`https://{account}.{region}.example.test:{port}
// /{version}`), a form body with `resource=urn:acme:account:{account}` and a signature-style
// header `X-Key: key-{apiKey}` built from a secret. Real HTTP on 127.0.0.1, reached by a fetch
// that stands in for DNS and remembers the URL asked for.
const exchange: TokenExchange = {
  provider: "tenanted",
  tokenPath: "/token",
  environments: {
    production: "https://{account}.{region}.example.test:{port}/{version}",
    flat: "https://{host}",
  },
  variables: [
    { name: "account", in: "label", pattern: "[a-z0-9]+" },
    { name: "region", in: "label", enum: ["eu", "us"], default: "eu" },
    { name: "port", in: "port", enum: ["443", "8443"], default: "443" },
    { name: "version", in: "path", enum: ["v1", "v2.1"], default: "v2.1" },
    { name: "host", in: "host", default: "api.example.test" },
  ],
  credentials: [
    { name: "clientId", secret: false, required: true, in: "body", field: "client_id" },
    { name: "apiKey", secret: true, required: true, in: "body", field: "api_key" },
    { name: "channel", secret: false, required: false, in: "none" },
    {
      name: "header:X-Channel",
      secret: false,
      required: true,
      in: "header",
      header: "X-Channel",
      template: "channel={channel=web};account={account}",
    },
    {
      name: "body:resource",
      secret: false,
      required: true,
      in: "body",
      field: "resource",
      template: "urn:acme:account:{account}",
    },
    {
      name: "header:X-Key",
      secret: true,
      required: true,
      in: "header",
      header: "X-Key",
      template: "key-{apiKey}",
    },
  ],
  grant: "client_credentials",
  response: { accessToken: "access_token" },
};

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const createAuth = withInputs(exchange, defineProviderAuth(exchange, defaultSender));
const base = { clientId: "client-1", apiKey: "Very-Secret-Key", account: "shop7" };

async function provider() {
  const seen: {
    host: string;
    form: Record<string, string>;
    key: string | undefined;
    channel: string | undefined;
  }[] = [];
  const server = await startServer((request, response, body) => {
    seen.push({
      host: String(request.headers["x-asked"]),
      form: Object.fromEntries(new URLSearchParams(body)),
      key: request.headers["x-key"] as string | undefined,
      channel: request.headers["x-channel"] as string | undefined,
    });
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ access_token: `tok-${seen.length}`, expires_in: 600 }));
  });
  close = server.close;
  const asked: string[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(String(input));
    asked.push(url.href);
    const headers = new Headers(init?.headers);
    headers.set("x-asked", url.href);
    const answer = await globalThis.fetch(`${server.url}/token`, { ...init, headers });
    return new Response(answer.body, answer);
  };
  return { seen, asked, fetch };
}

describe("server variables and templates (withInputs)", () => {
  it("fills every position of the URL and every template, and sends them", async () => {
    const { seen, asked, fetch } = await provider();
    const auth = createAuth({ ...base, region: "us", port: "8443", fetch });
    expect((await auth.getToken()).accessToken).toBe("tok-1");
    expect(asked).toEqual(["https://shop7.us.example.test:8443/v2.1/token"]);
    expect(seen[0]!.form).toEqual({
      grant_type: "client_credentials",
      client_id: "client-1",
      api_key: "Very-Secret-Key",
      resource: "urn:acme:account:shop7",
    });
    expect(seen[0]!.key).toBe("key-Very-Secret-Key");
    // An optional value left out takes the template's default; given, it is used.
    expect(seen[0]!.channel).toBe("channel=web;account=shop7");
    const app = createAuth({ ...base, channel: "app", fetch });
    await app.getToken();
    expect(seen[1]!.channel).toBe("channel=app;account=shop7");
    await auth.close();
  });

  it("uses the defaults, and a whole-host variable takes a host name", async () => {
    const { asked, fetch } = await provider();
    const defaults = createAuth({ ...base, fetch });
    await defaults.getToken();
    const flat = createAuth({ ...base, environment: "flat", host: "id.example.test", fetch });
    await flat.getToken();
    expect(asked).toEqual([
      "https://shop7.eu.example.test/v2.1/token",
      "https://id.example.test/token",
    ]);
  });

  it.each([
    ["account", "shop7.evil.test"],
    ["account", "x/y"],
    ["account", "a@b"],
    ["account", "SHOP"],
    ["account", "shop 7"],
    ["account", undefined],
    ["region", "EU"],
    ["port", "80"],
    ["port", "443/x"],
    ["version", "v1/../../admin"],
    ["version", ".."],
    ["host", "evil.test/x"],
    ["host", "user@evil.test"],
    ["host", "evil.test:1"],
    ["host", "[::1]"],
  ])("refuses %s = %j before anything is built or sent", (name, value) => {
    const options = { ...base, environment: name === "host" ? "flat" : "production" };
    expect(() => resolveInputs(exchange, { ...options, [name]: value })).toThrow(
      expect.objectContaining({ code: "invalid_options", message: expect.stringContaining(name) }),
    );
  });

  it("never prints a secret that went into a template, and keys tenants by the built values", () => {
    const a = createAuth({ ...base, baseUrl: "http://127.0.0.1:9" });
    const b = createAuth({ ...base, account: "shop8", baseUrl: "http://127.0.0.1:9" });
    const other = createAuth({ ...base, apiKey: "Other-Key", baseUrl: "http://127.0.0.1:9" });
    // The account is an identifier: part of the identity. The key is a secret: never in it.
    expect(a.cacheKey).not.toBe(b.cacheKey);
    expect(a.cacheKey).toBe(other.cacheKey);
    expect(a.cacheKey).not.toContain("Very-Secret-Key");
    let message = "";
    try {
      createAuth({ ...base, apiKey: "Very-Secret-Key\n", baseUrl: "http://127.0.0.1:9" });
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/line break/);
    expect(message).not.toContain("Very-Secret-Key");
  });

  it("leaves options it does not own alone, and ignores a polluted prototype", () => {
    const polluted = Object.create({
      account: "evil.test",
      baseUrl: "https://evil.test",
    }) as object;
    Object.assign(polluted, base);
    const resolved = resolveInputs(exchange, polluted) as Record<string, unknown>;
    expect(resolved.baseUrl).toBe("https://shop7.eu.example.test:443/v2.1");
    expect(resolved).not.toHaveProperty("account");
    expect(resolved["body:resource"]).toBe("urn:acme:account:shop7");
    expect(resolveInputs(exchange, null)).toBeNull();
  });
});

describe("a presentation built from options (Basic base64({companyId}:{token}))", () => {
  const presented: TokenExchange = {
    provider: "company-pay",
    tokenPath: "/token",
    credentials: [
      { name: "companyId", secret: false, required: true, in: "body", field: "company" },
      { name: "password", secret: true, required: true, in: "body", field: "password" },
    ],
    response: { accessToken: "token" },
    presentation: { scheme: "Basic", template: "{companyId}:{token}", encoding: "base64" },
  };
  const create = withInputs(presented, defineProviderAuth(presented, defaultSender));

  it("fills the tenant's value, encodes, and keeps tenants apart", async () => {
    const server = await startServer((_request, response, body) => {
      const company = new URLSearchParams(body).get("company");
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ token: `tok-${company}` }));
    });
    close = server.close;
    const a = create({ companyId: "acme", password: "p", baseUrl: server.url });
    const b = create({ companyId: "beta", password: "p", baseUrl: server.url });
    expect(await a.getAuthorizationHeader()).toBe(
      `Basic ${Buffer.from("acme:tok-acme").toString("base64")}`,
    );
    expect(await b.getAuthorizationHeader()).toBe(
      `Basic ${Buffer.from("beta:tok-beta").toString("base64")}`,
    );
    // The middleware presents it the same way.
    const seen: string[] = [];
    const api = authFetch(a, async (request) => {
      seen.push(request.headers.get("authorization") ?? "");
      return new Response("{}");
    });
    await api("https://api.example.test/ping");
    expect(seen).toEqual([`Basic ${Buffer.from("acme:tok-acme").toString("base64")}`]);
  });

  it("refuses a value HTTP cannot carry before anything is sent", () => {
    expect(() =>
      create({ companyId: "acmé", password: "p", baseUrl: "http://127.0.0.1:9" }),
    ).toThrow(expect.objectContaining({ code: "invalid_options" }));
  });
});

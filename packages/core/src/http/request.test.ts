import { describe, expect, it } from "vitest";
import type { TokenExchange } from "../contract/exchange.js";
import { refreshExchange } from "../test-support/harness.js";
import { checkCredentials } from "../secrets/credentials.js";
import { buildTokenRequest, encodeBody } from "./request.js";

const signal = new AbortController().signal;
const base = refreshExchange;
const credentials = { clientId: "id", clientSecret: "secret" };

describe("buildTokenRequest", () => {
  it("defaults to a form POST with the grant in the body (RFC 6749)", () => {
    const request = buildTokenRequest(
      base,
      checkCredentials(base, credentials),
      "https://a.example/",
      {},
      "read",
      signal,
    );
    expect(request).toMatchObject({
      method: "POST",
      url: "https://a.example/oauth/token",
      query: undefined,
      form: { grant_type: "client_credentials", scope: "read" },
      bodyEncoding: "form",
    });
    expect(request.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(String(encodeBody(request))).toBe("grant_type=client_credentials&scope=read");
  });

  it("puts the grant, refresh token and scope in the query of a GET, with no body", () => {
    const exchange: TokenExchange = { ...base, method: "GET", paramsIn: "query" };
    const request = buildTokenRequest(
      exchange,
      checkCredentials(exchange, credentials),
      "https://a.example",
      { refreshToken: "r 1" },
      "a b",
      signal,
    );
    expect(request.method).toBe("GET");
    expect(request.form).toBeUndefined();
    expect(request.headers["content-type"]).toBeUndefined();
    expect(request.url).toBe(
      "https://a.example/oauth/token?grant_type=refresh_token&refresh_token=r+1&scope=a+b",
    );
  });

  it("sends body credentials, constants and a custom grant field as JSON", () => {
    const exchange: TokenExchange = {
      ...base,
      bodyEncoding: "json",
      grantField: "grantType",
      credentials: [
        { name: "clientId", in: "body", field: "client", secret: false, required: true },
        { name: "clientSecret", in: "query", field: "key", secret: true, required: true },
      ],
      constants: [
        { in: "body", name: "audience", value: "payments" },
        { in: "header", name: "X-Api-Version", value: "2" },
        { in: "query", name: "v", value: "1" },
      ],
    };
    const request = buildTokenRequest(
      exchange,
      checkCredentials(exchange, credentials),
      "https://a.example",
      {},
      undefined,
      signal,
    );
    expect(request.headers).toMatchObject({
      "content-type": "application/json",
      "x-api-version": "2",
    });
    expect(request.headers.authorization).toBeUndefined();
    expect(JSON.parse(String(encodeBody(request)))).toEqual({
      grantType: "client_credentials",
      audience: "payments",
      client: "id",
    });
    expect(request.url).toBe("https://a.example/oauth/token?v=1&key=secret");
  });

  it("leaves a login's body credentials out of the refresh grant", () => {
    const exchange: TokenExchange = {
      ...base,
      credentials: [
        { name: "password", in: "body", field: "password", secret: true, required: true },
      ],
    };
    const refresh = buildTokenRequest(
      exchange,
      checkCredentials(exchange, { password: "pw" }),
      "https://a.example",
      { refreshToken: "r" },
      undefined,
      signal,
    );
    expect(refresh.form).toEqual({ grant_type: "refresh_token", refresh_token: "r" });
  });
});

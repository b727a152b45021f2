/**
 * Backend example: call a provider's API through openapi-fetch with the token middleware, and hand
 * the browser only what it needs.
 *
 * Client secrets never go to a browser: anything shipped to a browser is public, and a leaked
 * secret lets anyone mint tokens as you (and, for EnKash, lock your account with three bad tries).
 * The backend keeps the credentials and the token manager, calls the provider, and answers the
 * browser with plain data — never the secret, and not the provider token either.
 */
import { createServer, type Server } from "node:http";
import { authMiddleware, createAuth } from "@auth/alternative-payments";
import createClient from "openapi-fetch";

/** The slice of the provider API this backend calls (a real app would generate these from the API's spec). */
export interface ProviderApi {
  "/api/ping": {
    get: {
      responses: { 200: { content: { "application/json": { provider: string; ok: boolean } } } };
    };
  };
}

/** What the backend sends the browser: see frontend.ts. */
export interface StatusForBrowser {
  provider: string;
  reachable: boolean;
  tokenExpiresAt: string;
}

export function createBackend(options: {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
}): Server {
  const auth = createAuth({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    baseUrl: options.baseUrl,
  });
  const api = createClient<ProviderApi>({ baseUrl: options.baseUrl });
  api.use(authMiddleware(auth)); // sets Authorization; after a 401, one new token and one replay

  return createServer(async (request, response) => {
    if (request.url !== "/status") {
      response.writeHead(404).end();
      return;
    }
    try {
      const { data } = await api.GET("/api/ping");
      const token = await auth.getToken();
      const body: StatusForBrowser = {
        provider: data?.provider ?? "unknown",
        reachable: data?.ok === true,
        tokenExpiresAt: new Date(token.expiresAt).toISOString(),
      };
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    } catch {
      response
        .writeHead(502, { "content-type": "application/json" })
        .end(JSON.stringify({ error: "provider unavailable" }));
    }
  });
}

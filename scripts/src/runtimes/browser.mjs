// The scenario in a browser page, bundled from the installed tarballs. The Node side drives it
// step by step (it revokes tokens at the sandbox between steps) and reads the sandbox's counters.
import { AuthError } from "@auth/core";
import { authMiddleware, createAuth } from "@auth/alternative-payments";
import createClient from "openapi-fetch";
import { checkSignedAssertion } from "./assertion-check.mjs";

let auth;
window.scenario = {
  async assertion() {
    return checkSignedAssertion().then(
      () => "pass",
      (error) => `fail: ${String(error?.message ?? error)}`,
    );
  },
  async token({ credentials, baseUrl }) {
    auth = createAuth({ ...credentials, baseUrl });
    const token = await auth.getToken();
    await Promise.all(Array.from({ length: 50 }, () => auth.getToken()));
    return token.accessToken.length > 0 && token.tokenType === "Bearer";
  },
  async replay({ baseUrl }) {
    const client = createClient({ baseUrl });
    client.use(authMiddleware(auth));
    const { response } = await client.GET("/api/ping");
    return response.status;
  },
  async badCredentials({ credentials, baseUrl }) {
    const wrong = createAuth({ ...credentials, clientSecret: "wrong", baseUrl });
    const error = await wrong.getToken().then(
      () => undefined,
      (caught) => caught,
    );
    return AuthError.isInstance(error) ? error.code : String(error);
  },
};

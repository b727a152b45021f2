// Type-checked as a user's project would be, against the installed tarballs.
import { AuthError, type AuthMiddleware, type TokenSet } from "@auth/core";
import { authMiddleware, createAuth, type TokenResponse } from "@auth/alternative-payments";
import createClient from "openapi-fetch";

const auth = createAuth({ clientId: "id", clientSecret: "secret", environment: "sandbox" });
const token: Promise<TokenSet<TokenResponse>> = auth.getToken();
const middleware: AuthMiddleware = authMiddleware(auth);
createClient<Record<string, never>>({ baseUrl: "https://api.example.test" }).use(middleware);
// @ts-expect-error environment must be one the spec names
createAuth({ clientId: "id", clientSecret: "secret", environment: "staging" });
void token;
void AuthError.isInstance(null);

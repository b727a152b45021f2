// Type-checked as a user's project would be, against the installed tarballs. It depends on the
// provider package only: every type and value an application uses is re-exported there.
import {
  AuthError,
  AuthErrorCode,
  authFetch,
  authMiddleware,
  createAuth,
  MemoryTokenStore,
  onTokenEvent,
  type AuthFetch,
  type AuthMiddleware,
  type GetTokenOptions,
  type TokenEvent,
  type TokenManager,
  type TokenResponse,
  type TokenSet,
} from "@auth/alternative-payments";
import createClient from "openapi-fetch";

const auth: TokenManager<TokenResponse> = createAuth({
  clientId: "id",
  clientSecret: "secret",
  environment: "sandbox",
  store: new MemoryTokenStore(),
});
const options: GetTokenOptions = { forceRefresh: false };
const token: Promise<TokenSet<TokenResponse>> = auth.getToken(options);
const middleware: AuthMiddleware = authMiddleware(auth);
createClient<Record<string, never>>({ baseUrl: "https://api.example.test" }).use(middleware);
const call: AuthFetch = authFetch(auth);
const stop = onTokenEvent(auth, (event: TokenEvent) => void event.type);
const code: AuthErrorCode = AuthErrorCode.InvalidCredentials;
// @ts-expect-error environment must be one the spec names
createAuth({ clientId: "id", clientSecret: "secret", environment: "staging" });
void token;
void call;
void stop;
void code;
void AuthError.isInstance(null);

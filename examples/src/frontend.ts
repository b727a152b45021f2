/**
 * Frontend example: browser code uses the generated response *types* (they cost nothing at run
 * time) but never the token manager or any credential — it asks its own backend (backend.ts).
 */
import type { TokenResponse as EnkashTokenResponse } from "@auth/enkash";
import type { StatusForBrowser } from "./backend.js";

/** Fields of the provider's token response a UI may show, typed from the spec (no token, no secret). */
export type SessionInfo = Pick<EnkashTokenResponse, "scope" | "expires_in">;

export async function loadStatus(fetchImpl: typeof fetch = fetch): Promise<StatusForBrowser> {
  const response = await fetchImpl("/status");
  if (!response.ok) throw new Error(`status request failed with ${response.status}`);
  return (await response.json()) as StatusForBrowser;
}

export function describeSession(session: SessionInfo): string {
  const scopes = session.scope.split(" ").join(", ");
  return `scopes: ${scopes}; renews within ${Math.round(session.expires_in / 60)} min`;
}

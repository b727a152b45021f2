import { generateKeyPairSync } from "node:crypto";

/** A valid private key (PKCS#8 PEM) for `alg` that no provider registered: a wrong signing key. */
export function otherKey(alg: "RS256" | "PS256" | "ES256"): string {
  const { privateKey } =
    alg === "ES256"
      ? generateKeyPairSync("ec", { namedCurve: "prime256v1" })
      : generateKeyPairSync("rsa", { modulusLength: 2048 });
  return privateKey.export({ type: "pkcs8", format: "pem" }) as string;
}

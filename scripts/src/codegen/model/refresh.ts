import { isObject, type JsonObject } from "../load-spec.ts";
import { pointer } from "../problems.ts";
import { checkKeys, type ModelContext } from "./context.ts";
import {
  type ConstantModel,
  type CredentialModel,
  readConstants,
  readCredentials,
} from "./credentials.ts";
import { readRequestSpec } from "./operation.ts";
import { allowedValues, resolve } from "./schema.ts";
import { checkEverythingRequiredIsSent, type RequestModel } from "./request.ts";

/**
 * A refresh request of its own (`refresh` in the extension): another POST operation of the spec,
 * with its own body, the refresh token in a field it names, the credentials it lists (where the
 * primary grant sends them, or placed anew) and its own constants.
 */
export interface RefreshModel {
  readonly path: string;
  readonly bodyEncoding: "form" | "json";
  readonly bodyMediaType: string;
  readonly refreshTokenField: string;
  readonly scopeField: string | undefined;
  /** The grant field, when `refreshGrant` is sent on this request. */
  readonly grantField: string | undefined;
  readonly constants: ConstantModel[];
  /** The credentials this request sends (placed for it); the others are not sent. */
  readonly credentials: CredentialModel[];
  /** Header parameters the refresh operation declares (its typed call passes them). */
  readonly headerParameters: string[];
}

const PLACEMENT_KEYS = ["name", "in", "part", "header", "field"];

/** Reads and checks `refresh`; undefined when the spec has none (or it is unusable, reported). */
export function readRefresh(
  context: ModelContext,
  extension: JsonObject,
  primary: RequestModel,
  tokenOperation: { path: string; method: string },
): RefreshModel | undefined {
  const { document, report } = context;
  const raw = extension.refresh;
  if (raw === undefined) return undefined;
  const at = `${context.extPointer}/refresh`;
  if (!isObject(raw)) {
    report(
      at,
      "must be a mapping with path (and optionally refreshToken, scope, credentials, constants)",
    );
    return undefined;
  }
  checkKeys(context, raw, ["path", "refreshToken", "scope", "credentials", "constants"], at);
  const path = raw.path;
  const paths = isObject(document.paths) ? document.paths : {};
  const item = typeof path === "string" ? paths[path] : undefined;
  const operation = isObject(item) ? item.post : undefined;
  if (typeof path !== "string" || !isObject(item) || !isObject(operation)) {
    report(`${at}/path`, `must name a POST operation of this spec (found ${JSON.stringify(path)})`);
    return undefined;
  }
  if (path === tokenOperation.path && tokenOperation.method === "post") {
    report(
      `${at}/path`,
      "is the token operation itself: leave refresh out (refreshGrant renews on the same request)",
    );
    return undefined;
  }
  const refreshContext: ModelContext = {
    document,
    opPointer: pointer("paths", path, "post"),
    extPointer: at,
    report,
  };
  const spec = readRequestSpec(refreshContext, "post", operation, item);
  if (!spec.hasBody || spec.bodyEncoding === undefined || spec.bodyMediaType === undefined) {
    report(
      `${refreshContext.opPointer}/requestBody`,
      "the refresh operation needs a request body (a form or JSON)",
    );
    return undefined;
  }
  const bodyField = (key: "refreshToken" | "scope", fallback?: string) => {
    const value = raw[key] ?? fallback;
    if (value === undefined) return undefined;
    if (typeof value !== "string" || !spec.bodyProperties.has(value)) {
      report(
        `${at}/${key}`,
        `field ${JSON.stringify(value)} is not a property of the refresh request body schema`,
      );
      return undefined;
    }
    return value;
  };
  const refreshTokenField = bodyField("refreshToken", "refresh_token") ?? "refresh_token";
  const scopeField = bodyField("scope");
  const grantField =
    primary.refreshGrant !== undefined && spec.bodyProperties.has(primary.grantField)
      ? primary.grantField
      : undefined;
  const grantValues = grantField
    ? allowedValues(resolve(document, spec.bodyProperties.get(grantField)))
    : undefined;
  if (grantValues && grantValues.size > 0 && !grantValues.has(primary.refreshGrant))
    report(
      `${context.extPointer}/refreshGrant`,
      `grant "${primary.refreshGrant}" is not an allowed ${grantField} value (enum or const) of the refresh request`,
    );
  if (primary.refreshGrant !== undefined && grantField === undefined)
    report(
      `${context.extPointer}/refreshGrant`,
      `the refresh request body has no "${primary.grantField}" field to carry it: leave refreshGrant out when the refresh operation takes no grant`,
    );

  // Each listed credential: a name (placed as the primary grant places it) or a new placement.
  const listed = raw.credentials ?? [];
  const placements: JsonObject[] = [];
  if (!Array.isArray(listed))
    report(`${at}/credentials`, "must be a list of credential names or { name, in, … }");
  else
    listed.forEach((entry, index) => {
      const entryAt = `${at}/credentials/${index}`;
      const name = typeof entry === "string" ? entry : isObject(entry) ? entry.name : undefined;
      const known = primary.credentials.find((c) => c.name === name);
      if (known === undefined)
        return report(entryAt, `${JSON.stringify(name)} names no credential of the extension`);
      if (isObject(entry)) checkKeys(context, entry, PLACEMENT_KEYS, entryAt);
      const { description: _d, secret, required, ...placement } = known;
      const placed = typeof entry === "string" ? placement : entry;
      if (placed.in === "none")
        return report(
          entryAt,
          `"${known.name}" is never sent (in: none): leave it out of the list`,
        );
      placements.push({ ...placed, name: known.name, secret, required } as JsonObject);
    });
  const sent =
    placements.length > 0 ? readCredentials(refreshContext, { credentials: placements }, spec) : [];
  const constants = readConstants(refreshContext, raw, spec);
  constants.forEach((constant, index) => {
    if (constant.references)
      report(
        `${at}/constants/${index}/value`,
        "templates are not supported in refresh constants yet; use a fixed value",
      );
  });
  const supplied = [refreshTokenField, ...(scopeField ? [scopeField] : [])];
  if (primary.assertion?.use === "client-auth")
    supplied.push("client_assertion", "client_assertion_type");
  for (const value of primary.computedValues) if (value.in === "body") supplied.push(value.field!);
  checkEverythingRequiredIsSent(
    refreshContext,
    spec,
    {
      grant: grantField === undefined ? undefined : primary.refreshGrant,
      grantField: primary.grantField,
      paramsIn: "body",
      refreshGrant: undefined,
      scopeField,
    },
    sent,
    constants,
    {
      header: primary.computedValues
        .filter((v) => v.in === "header")
        .map((v) => v.field!.toLowerCase()),
      body: supplied,
    },
  );
  return {
    path,
    bodyEncoding: spec.bodyEncoding,
    bodyMediaType: spec.bodyMediaType,
    refreshTokenField,
    scopeField,
    grantField,
    constants,
    credentials: sent,
    headerParameters: [...spec.headers.values()].map((h) => h.name),
  };
}

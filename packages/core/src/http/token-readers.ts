/**
 * Readers for token endpoints whose token is not a field of a JSON body. A generated package
 * imports one only when its spec says so (`response.accessToken: { from: body }` or
 * `{ from: header, header: … }`); the exchange data then names the field the reader fills:
 * `body:text`, or `header:<name>` (lower case).
 */

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `text/plain`: the whole body, trimmed, is the token (as `body:text`). A JSON object body (an
 * error, usually) is read as JSON, so the provider's error fields still reach the error.
 */
export function textToken(text: string): unknown {
  return jsonObject(text) ?? { "body:text": text.trim() };
}

/**
 * A response header is the token (OpenStack's `X-Subject-Token`): the JSON body, if any, with the
 * header's value added as `header:<name>`, so expiry and other fields can still come from the body.
 */
export function headerToken(name: string): (text: string, headers: Headers) => unknown {
  const field = `header:${name.toLowerCase()}`;
  return (text, headers) => {
    const body = jsonObject(text) ?? {};
    const value = headers.get(name);
    return value === null ? body : { ...body, [field]: value };
  };
}

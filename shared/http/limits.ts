/**
 * The one list of request bounds the HTTP edge enforces for every route of the manifest, before
 * any handler code (and so any table call) runs. API Gateway's own limits are wider (10 KB of
 * headers, 10 MB bodies); these are ours. Each refusal is a 400 with a stable code, logged as one
 * WARN line naming the part and its size, never its value.
 */
export const EDGE_LIMITS = {
  /** Request body, after base64 decoding. */
  bodyBytes: 16 * 1024,
  /** One path parameter, decoded (ids, connection ids, user names are far shorter). */
  pathParameterChars: 256,
  /** The whole query string as sent (filters and a paging cursor). */
  queryStringChars: 4096,
  /** One header value (a Cognito ID token is a few KB). */
  headerChars: 8192,
  /** All header names and values together (API Gateway HTTP API's own bound is 10 KB). */
  headersTotalChars: 10 * 1024,
} as const;

/** What a 503 asks the client (or the ITSM's retry queue) to wait, in seconds. */
export const RETRY_AFTER_SECONDS = 5;

/** Control characters (C0, DEL, C1) and U+FFFD, what undecodable percent-escapes turn into. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\uFFFD]/;
/** A `%` left in a decoded value: an escape that did not decode (`%zz`, a lone `%`). */
const UNDECODED = /%(?![0-9A-Fa-f]{2})/;
/** A lone UTF-16 surrogate: not text (`String.prototype.isWellFormed` is ES2024). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const malformed = (value: string) => UNPRINTABLE.test(value) || LONE_SURROGATE.test(value);

export type EdgeRefusal = { code: string; part: 'path' | 'query' | 'headers'; name?: string; length: number };

interface RequestParts {
  pathParameters?: Record<string, string | undefined>;
  rawQueryString?: string;
  queryStringParameters?: Record<string, string | undefined>;
  headers?: Record<string, string | undefined>;
}

/** The first bound this request breaks, or undefined when it keeps them all. */
export function checkRequestParts(request: RequestParts): EdgeRefusal | undefined {
  let headersTotal = 0;
  for (const [name, value = ''] of Object.entries(request.headers ?? {})) {
    headersTotal += name.length + value.length;
    if (value.length > EDGE_LIMITS.headerChars)
      return { code: 'HEADERS_TOO_LARGE', part: 'headers', name: name.slice(0, 64), length: value.length };
  }
  if (headersTotal > EDGE_LIMITS.headersTotalChars)
    return { code: 'HEADERS_TOO_LARGE', part: 'headers', length: headersTotal };
  for (const [name, value = ''] of Object.entries(request.pathParameters ?? {})) {
    if (value.length > EDGE_LIMITS.pathParameterChars)
      return { code: 'PATH_PARAMETER_TOO_LONG', part: 'path', name, length: value.length };
    if (malformed(value) || UNDECODED.test(value))
      return { code: 'MALFORMED_PATH', part: 'path', name, length: value.length };
  }
  const query = request.rawQueryString ?? '';
  const values = Object.values(request.queryStringParameters ?? {});
  const longest = Math.max(
    query.length,
    values.reduce((n, v) => n + (v?.length ?? 0), 0),
  );
  if (longest > EDGE_LIMITS.queryStringChars)
    return { code: 'QUERY_TOO_LONG', part: 'query', length: longest };
  for (const [name, value = ''] of Object.entries(request.queryStringParameters ?? {})) {
    if (malformed(name) || malformed(value))
      return { code: 'MALFORMED_QUERY', part: 'query', name: name.slice(0, 64), length: value.length };
  }
  return undefined;
}

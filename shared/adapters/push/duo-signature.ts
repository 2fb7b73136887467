/**
 * Duo's request signature (https://duo.com/docs/authapi#authentication): the canonical string is
 * five lines joined by "\n": the Date header's value (RFC 2822), the method in upper case, the API
 * host in lower case, the path, and the parameters sorted by name, each `name=value` URL-encoded per
 * RFC 3986 (unreserved `A-Za-z0-9-._~` kept, everything else `%XX` with upper-case hex, a space is
 * `%20`) and joined by `&`. The signature is the hex HMAC-SHA512 of that string under the secret
 * key; the request carries `Authorization: Basic base64(ikey:signature)` and the same `Date`.
 */
import { createHmac } from 'node:crypto';

/** RFC 3986 percent-encoding (encodeURIComponent leaves `!'()*` alone; Duo's canonical form does not). */
export const duoEncode = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The parameters as Duo canonicalises them (also the query string of a signed GET). */
export const duoParams = (params: Record<string, string>) =>
  Object.entries(params)
    .map(([k, v]) => [duoEncode(k), duoEncode(v)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');

/** An RFC 2822 date as Duo's examples write it: `Tue, 21 Aug 2012 17:29:18 -0000`. */
export const duoDate = (at: number) => new Date(at).toUTCString().replace(/GMT$/, '-0000');

export interface DuoSigned {
  date: string;
  method: string;
  host: string;
  path: string;
  params: Record<string, string>;
}

const duoCanonical = (r: DuoSigned) =>
  [r.date, r.method.toUpperCase(), r.host.toLowerCase(), r.path, duoParams(r.params)].join('\n');

export const duoSignature = (r: DuoSigned, skey: string) =>
  createHmac('sha512', skey).update(duoCanonical(r), 'utf8').digest('hex');

export const duoAuthorization = (ikey: string, signature: string) =>
  `Basic ${Buffer.from(`${ikey}:${signature}`, 'utf8').toString('base64')}`;

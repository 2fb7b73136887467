/**
 * The one way both web apps call the API: JSON in and out, the bearer token when there is one,
 * no cookies, no cache, no Referer. Error responses (`{error:{code,message,details?}}`) become an
 * ApiError with the same code; a dropped connection is code NETWORK.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function requestJson<T>(
  method: 'GET' | 'POST',
  url: string,
  options: { body?: unknown; token?: string; fallbackMessage: string },
): Promise<T> {
  const { body, token } = options;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The connection dropped. Check that you are online and try again.');
  }
  const json = (await res.json().catch(() => undefined)) as
    | (T & { error?: { code?: string; message?: string; details?: unknown } })
    | undefined;
  if (!res.ok) {
    const error = json?.error;
    throw new ApiError(
      res.status,
      error?.code ?? `HTTP_${res.status}`,
      error?.message ?? options.fallbackMessage,
      error?.details,
    );
  }
  return json as T;
}

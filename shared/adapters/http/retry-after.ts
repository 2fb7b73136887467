/** A 429 asking for at most this long is waited out in-process, once; longer ones go back to the caller. */
export const MAX_INLINE_RETRY_AFTER_SECONDS = 5;

/** Seconds from a Retry-After header (delta-seconds or HTTP date), if present and sane. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header) : (Date.parse(header) - now) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(Math.ceil(seconds), 3600) : undefined;
}

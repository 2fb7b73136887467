/**
 * Windows and lifetimes of what the stores keep for a while (attempt counts, replay claims, known
 * devices, sightings, link tokens), stated once in epoch seconds so every store agrees.
 */

export const epochSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);

/**
 * Attempts count in fixed windows aligned on multiples of `windowSeconds` (not sliding): the count
 * starts again at each window's start. A window's count is kept until the end of the next one.
 */
export function attemptWindow(now: Date, windowSeconds: number): { start: number; keepUntil: number } {
  const seconds = epochSeconds(now);
  const start = seconds - (seconds % windowSeconds);
  return { start, keepUntil: start + 2 * windowSeconds };
}

/**
 * A claim on a signed webhook delivery holds until `expiresAtEpoch`: a delivery is a replay while
 * a claim holds; one past its time (that TTL has not swept yet) no longer counts.
 */
export function deliveryClaimHolds(expiresAtEpoch: number, now: Date): boolean {
  return expiresAtEpoch >= epochSeconds(now);
}

/** How long a device that passed stays known for the person. */
export const KNOWN_DEVICE_DAYS = 180;
/** How long the last place a person connected from is kept (for impossible travel). */
export const SIGHTING_DAYS = 90;
/** A link token is kept a day past its expiry, so an expired link answers "expired", not "unknown". */
export const LINK_TOKEN_GRACE_SECONDS = 86_400;

/** A remembered item counts only while its time has not run out. */
export function stillKept(expiresAtEpoch: number, now: Date): boolean {
  return expiresAtEpoch > now.getTime() / 1000;
}

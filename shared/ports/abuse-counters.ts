/** Windowed attempt counters (the portal's abuse limits) and replay claims on signed webhooks. */
export interface AbuseCounters {
  /** Counts one attempt under `key` in a window of `windowSeconds`; returns the count so far. */
  countAttempt(key: string, windowSeconds: number): Promise<number>;
  /**
   * Claims a signed webhook delivery (by the hash of its signature) for `ttlSeconds`; false when it
   * was claimed before: a replay. `releaseDelivery` gives the claim back so the sender may retry.
   */
  claimDelivery(signatureHash: string, ttlSeconds: number): Promise<boolean>;
  releaseDelivery(signatureHash: string): Promise<void>;
}

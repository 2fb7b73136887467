/** OAuth client-credentials tokens, cached across adapter instances (ServiceNow, Microsoft Entra ID). */

export interface AccessToken {
  accessToken: string;
  /** Epoch ms from which the token is no longer used. */
  expiresAt: number;
}

/**
 * OAuth client-credentials tokens by key (endpoint + client + secret hash: adapters may be built
 * per call, tokens outlive them), reused until they expire, fetched once at a time per key.
 */
export class TokenCache {
  private readonly tokens = new Map<string, AccessToken>();
  private readonly requests = new Map<string, Promise<AccessToken>>();

  async get(key: string, now: number, request: () => Promise<AccessToken>): Promise<AccessToken> {
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > now) return cached;
    let pending = this.requests.get(key);
    if (!pending) {
      pending = request().finally(() => this.requests.delete(key));
      this.requests.set(key, pending);
    }
    const token = await pending;
    this.tokens.set(key, token);
    return token;
  }

  /** Forgets the token the server refused, unless another call already replaced it. */
  drop(key: string, refused: string): void {
    if (this.tokens.get(key)?.accessToken === refused) this.tokens.delete(key);
  }
}

/**
 * When a token stops being used: its `expires_in` seconds (`fallbackSeconds` when missing or
 * invalid) less `marginSeconds`, or half its life when that is short.
 */
export function tokenExpiresAt(
  expiresIn: unknown,
  fallbackSeconds: number,
  marginSeconds: number,
  now: number,
): number {
  const lifetime = Number(expiresIn);
  const seconds = Number.isFinite(lifetime) && lifetime > 0 ? lifetime : fallbackSeconds;
  const usable = seconds > 2 * marginSeconds ? seconds - marginSeconds : seconds / 2;
  return now + usable * 1000;
}

/** Link tokens, stored only as hashes, each pointing at its verification until it expires. */
export interface LinkTokens {
  saveLinkToken(tokenHash: string, verificationId: string, expiresAt: string): Promise<void>;
  findLinkToken(tokenHash: string): Promise<{ verificationId: string; expiresAt: string } | undefined>;
}

export interface Secrets {
  /** A named secret's value; throws if it does not exist. */
  get(name: string): Promise<string>;
}

/** Writes connection secrets (write-only from the console's point of view). */
export interface SecretWriter {
  put(name: string, value: string): Promise<void>;
}

/** Names of the secrets the product reads. */
export const secretNames = {
  portalSessionKey: 'portal-session-key',
  /** A JSON array of accepted signing secrets: the new one first during rotation. */
  webhookSecrets: (connectionId: string) => `connections/${connectionId}/webhook`,
  /** Entra ID: `{"clientId","clientSecret"}`; Okta: the API token. */
  directoryCredentials: 'directory/credentials',
  /** `user:password` for the ITSM API. */
  outboundCredentials: (connectionId: string) => `connections/${connectionId}/outbound`,
};

export interface Secrets {
  /** A named secret's value; throws if it does not exist. */
  get(name: string): Promise<string>;
}

/** Writes connection secrets (write-only from the console's point of view). */
export interface SecretWriter {
  put(name: string, value: string): Promise<void>;
}

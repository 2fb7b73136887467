/** The Tor exit list as last fetched (from the list the scheduled refresh reads). */
export interface TorExitList {
  /** Addresses as the gateway reports them (lower case, IPv6 compressed). */
  addresses: string[];
  fetchedAt: string;
}

/** The Tor exit list the scheduled refresh keeps. */
export interface TorExits {
  /** The current Tor exit addresses, replaced whole by the scheduled refresh. */
  putTorExits(list: TorExitList): Promise<void>;
  getTorExits(): Promise<TorExitList | undefined>;
}

/** What we remember of a person between verifications: devices that passed, where they were last seen. */
export interface People {
  /** Devices (HMACs) that passed a verification for this person, remembered for a while. */
  isKnownDevice(userId: string, deviceHmac: string): Promise<boolean>;
  rememberDevice(userId: string, deviceHmac: string): Promise<void>;
  /** Forgets a remembered device (revokes a device credential): it no longer counts as known. */
  forgetDevice(userId: string, deviceHmac: string): Promise<void>;
  /** Where the person was last seen connecting from (country and time), for impossible travel. */
  lastSighting(userId: string): Promise<{ country?: string; at: string } | undefined>;
  recordSighting(userId: string, sighting: { country?: string; at: string }): Promise<void>;
}

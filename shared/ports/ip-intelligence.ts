export interface IpIntelligence {
  lookup(ip: string): { country?: string; asn?: number; asOrg?: string };
  /** Age of the data in days (Infinity when unknown). */
  dataAgeDays(now: Date): number;
}

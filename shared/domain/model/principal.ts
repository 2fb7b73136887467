/** The console roles (the same as `Role` in manifest.ts; ports import nothing from there). */
import type { Role } from '../../manifest.js';
export type ConsoleRole = 'admin' | 'agent' | 'auditor';

export interface Principal {
  username: string;
  roles: Role[];
}

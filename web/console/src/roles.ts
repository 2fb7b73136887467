/** What each console role may do (the server enforces the same per route in shared/manifest.ts). */
import type { Me } from '../../../shared/console-api/users.js';

export type Permission = 'send' | 'export' | 'audit' | 'settings';

const PERMISSIONS: Record<Permission, Me['roles']> = {
  send: ['admin', 'agent'],
  export: ['admin', 'auditor'],
  audit: ['admin', 'auditor'],
  settings: ['admin'],
};

export const may = (me: Me, what: Permission) => me.roles.some((r) => PERMISSIONS[what].includes(r));

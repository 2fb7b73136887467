/** A directory person as a search match (every directory adapter maps its users through this). */
import type { DirectoryUser } from '../../domain/model/person.js';
import type { PersonMatch } from '../../ports/directory.js';

export function toMatch(u: DirectoryUser, employeeId: string | undefined): PersonMatch {
  return {
    userId: u.userId,
    displayName: u.displayName,
    email: u.email,
    ...(u.mobilePhone ? { mobilePhone: u.mobilePhone } : {}),
    department: u.department,
    title: u.title,
    enabled: u.enabled,
    ...(employeeId ? { employeeId } : {}),
  };
}

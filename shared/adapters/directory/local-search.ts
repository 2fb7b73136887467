/**
 * searchPeople for the local (table) and in-memory directories: the same rule for both, so the
 * local stack behaves as the use-case tests do. A person matches when every word of the query starts
 * a word of their name (any case, accents ignored), when the query starts their email, or when it is
 * their user id (the local stand-in for an employee ID). Disabled people are found too: the agent
 * must see who called, and sending refuses them.
 */
import type { DirectoryUser } from '../../domain/model/person.js';
import { normalizeTerm } from '../../domain/search-term.js';
import type { PersonMatch } from '../../ports/directory.js';
import { toMatch } from './person-match.js';

export function matchPeople(users: readonly DirectoryUser[], query: string, limit: number): PersonMatch[] {
  const q = normalizeTerm(query);
  if (q.length < 2) return [];
  const words = q.split(' ');
  const matches = (u: DirectoryUser) => {
    if (u.userId.toLowerCase() === q) return true;
    if (u.email.toLowerCase().startsWith(q)) return true;
    const name = normalizeTerm(u.displayName).split(/[\s'-]+/);
    return words.every((w) => name.some((n) => n.startsWith(w)));
  };
  return users
    .filter(matches)
    .sort((a, b) => a.displayName.localeCompare(b.displayName))
    .slice(0, limit)
    .map((u) => toMatch(u, u.userId));
}

/**
 * "Verify a caller", finding the person (GET /api/people?q=): an agent looks the caller up in the
 * directory by name, email or employee ID. At most PEOPLE_SEARCH_LIMIT matches, the contact on
 * record masked (never in clear: the agent reads it to the caller only to confirm, and the link goes
 * there without the agent seeing it). Each agent has PEOPLE_SEARCHES_PER_MINUTE searches a minute.
 *
 * Every search is an audit event (`people.searched`): what an auditor needs to spot an agent
 * browsing records (who searched, for what kind of key, whom it showed), not the caller's contact
 * details. A name or employee ID is kept as typed; an email or phone number only masked.
 */
import { PEOPLE_SEARCH_LIMIT, type PeopleResult, type PersonView } from '../../console-api/people.js';
import { RateLimited, Unavailable } from '../../domain/errors.js';
import { maskEmail, maskPhone } from '../../domain/mask.js';
import type { Principal } from '../../domain/model/principal.js';
import { logger } from '../../logger.js';
import type { Ctx } from '../../ports/context.js';
import { looksLikeEmployeeId, type PersonMatch } from '../../ports/directory.js';

type QueryKind = 'email' | 'phone' | 'employee_id' | 'name';

/** What kind of key the agent typed, and how the audit trail may keep it. */
function describeQuery(q: string): { kind: QueryKind; audited: string } {
  if (q.includes('@')) return { kind: 'email', audited: maskEmail(q) };
  if (/^\+?[\d\s().-]+$/.test(q) && q.replace(/\D/g, '').length >= 7)
    return { kind: 'phone', audited: maskPhone(q) };
  if (looksLikeEmployeeId(q)) return { kind: 'employee_id', audited: q };
  return { kind: 'name', audited: q };
}

export async function searchPeople(
  ctx: Ctx<'directory' | 'counters' | 'audit'>,
  principal: Principal,
  q: string,
): Promise<PeopleResult> {
  const searches = await ctx.counters.countAttempt(`PEOPLESEARCH#${principal.username}`, 60);
  if (searches > ctx.config.PEOPLE_SEARCHES_PER_MINUTE)
    throw new RateLimited('TOO_MANY_SEARCHES', 'Too many directory searches in a minute; wait and try again');
  const { kind, audited } = describeQuery(q);
  // A phone number is not a directory key: nothing to ask the directory for.
  const found =
    kind === 'phone'
      ? []
      : await ctx.directory.searchPeople(q, PEOPLE_SEARCH_LIMIT + 1).catch((error: unknown) => {
          logger.warn('directory search failed', { error: (error as Error).name });
          throw new Unavailable('DIRECTORY_UNAVAILABLE', 'The directory did not answer; try again');
        });
  const shown = found.slice(0, PEOPLE_SEARCH_LIMIT);
  await ctx.audit.appendAudit({
    actor: principal.username,
    action: 'people.searched',
    at: ctx.clock.now().toISOString(),
    details: {
      queryKind: kind,
      query: audited,
      matches: shown.length,
      ...(shown.length ? { shown: shown.map((p) => p.userId).join(' ') } : {}),
    },
  });
  return { items: shown.map(toView), more: found.length > PEOPLE_SEARCH_LIMIT };
}

function toView(p: PersonMatch): PersonView {
  return {
    userId: p.userId,
    displayName: p.displayName,
    title: p.title,
    department: p.department,
    ...(p.employeeId ? { employeeId: p.employeeId } : {}),
    enabled: p.enabled,
    contactOnRecord: {
      ...(p.email ? { email: maskEmail(p.email) } : {}),
      ...(p.mobilePhone ? { sms: maskPhone(p.mobilePhone) } : {}),
    },
  };
}

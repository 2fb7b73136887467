/** GET /api/people?q=: "Verify a caller" finds the person in the directory (masked contact; audited). */
import { audit, compose, consoleUsers, counters, directory } from '../../shared/composition.js';
import { peopleQuerySchema } from '../../shared/console-api/people.js';
import { httpHandler } from '../../shared/http/api.js';
import { searchPeople } from '../../shared/use-cases/console/people-search.js';

const ctx = compose({ directory, counters, audit, consoleUsers });

export const handler = httpHandler(
  'console-people',
  { ctx, query: peopleQuerySchema },
  async ({ query, principal }) => ({ status: 200, body: await searchPeople(ctx, principal, query.q) }),
);

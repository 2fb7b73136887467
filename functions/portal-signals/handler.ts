/** POST /portal/signals (Authorization: Bearer <session>): the page's silent checks. */
import {
  audit,
  compose,
  counters,
  directory,
  ipIntel,
  people,
  secrets,
  torExits,
  verifications,
} from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { signalsSchema } from '../../shared/portal-api.js';
import { recordSignals } from '../../shared/use-cases/portal/signals.js';

const ctx = compose({ verifications, counters, people, torExits, audit, secrets, directory, ipIntel });

export const handler = httpHandler(
  'portal-signals',
  { ctx, body: signalsSchema },
  async ({ event, bearer, body }) => {
    const { sourceIp, userAgent } = event.requestContext.http;
    return {
      status: 202,
      body: await recordSignals(ctx, bearer, body, { userAgent: userAgent ?? '', sourceIp }),
    };
  },
);

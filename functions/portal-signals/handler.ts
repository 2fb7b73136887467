/** POST /portal/signals (Authorization: Bearer <session>): the page's silent checks. */
import { preloadIpData } from '../../shared/adapters/ip-data.js';
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
import { recordSignals, signalsSchema } from '../../shared/use-cases/portal.js';

const ctx = compose({ verifications, counters, people, torExits, audit, secrets, directory, ipIntel });
// Load the IP data during the cold start (Lambda's INIT phase), not in the first request.
preloadIpData();

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

/** Scheduled (every 30 minutes): replaces the stored Tor exit list with the Tor Project's current one. */
import middy from '@middy/core';
import { compose, torExits } from '../../shared/composition.js';
import { powertools } from '../../shared/http/observability.js';
import { refreshTorExits } from '../../shared/use-cases/tor-exits.js';

const ctx = compose({ torExits });

export const handler = middy()
  .use(powertools())
  .handler(async () => refreshTorExits(ctx));

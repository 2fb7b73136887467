/** POST /portal/not-me (Authorization: Bearer <session>): "I did not ask for this", confirmed. */

import {
  audit,
  compose,
  connections,
  counters,
  directory,
  people,
  secrets,
  verifications,
  workflow,
} from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { notMeSchema } from '../../shared/portal-api.js';
import { reportNotMe } from '../../shared/use-cases/portal/not-me.js';

const ctx = compose({ verifications, connections, counters, people, audit, directory, secrets, workflow });

export const handler = httpHandler('portal-not-me', { ctx, body: notMeSchema }, async ({ bearer }) => ({
  status: 200,
  body: await reportNotMe(ctx, bearer),
}));

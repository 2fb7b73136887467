/** POST /portal/answer (Authorization: Bearer <session>): one answer, graded and timed on arrival. */

import { audit, compose, counters, secrets, verifications } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { answerSchema } from '../../shared/portal-api.js';
import { answerQuestion } from '../../shared/use-cases/portal/answer.js';

const ctx = compose({ verifications, counters, audit, secrets });

export const handler = httpHandler('portal-answer', { ctx, body: answerSchema }, async ({ bearer, body }) => {
  return { status: 200, body: await answerQuestion(ctx, bearer, body) };
});

/** GET /portal/question (Authorization: Bearer <session>): the question to answer now. */

import { audit, compose, counters, secrets, verifications } from '../../shared/composition.js';
import { httpHandler } from '../../shared/http/api.js';
import { nextQuestion } from '../../shared/use-cases/portal/answer.js';

const ctx = compose({ verifications, counters, audit, secrets });

export const handler = httpHandler('portal-question', { ctx }, async ({ bearer }) => {
  return { status: 200, body: await nextQuestion(ctx, bearer) };
});

/**
 * Answer the questions, one at a time and in order.
 *
 * Primary course: the current question is shown without its answer; an answer is graded on arrival (only
 * the grade and, unless redacted, the response are kept), timed by the server, and recorded at its position
 * with a conditional write, so a double submission or a stale page gets a StateConflict.
 */
import { AlreadyCompleted, InvalidInput, StateConflict } from '../../domain/errors.js';
import type { AnswerRecord, Response } from '../../domain/model/question.js';
import { remainingSeconds, type Verification } from '../../domain/model/verification.js';
import { gradeResponse, publicQuestion } from '../../domain/questions/answers.js';
import type { answerSchema, QuestionStep } from '../../portal-api.js';
import type { Ctx } from '../../ports/context.js';
import type * as z from '../../zod.js';
import { loadVerification } from '../load.js';
import { sessionVerification } from './session.js';

/** The question to answer now (questions are answered in order, one at a time), or done. */
function questionView(v: Verification, now: Date): QuestionStep {
  const questions = v.questions ?? [];
  const answered = v.answers?.length ?? 0;
  const next = questions[answered];
  if (!next) return { done: true as const, total: questions.length, answered };
  return {
    done: false as const,
    position: answered + 1,
    total: questions.length,
    remainingSeconds: remainingSeconds(v, now),
    question: publicQuestion(next),
  };
}

export async function nextQuestion(
  ctx: Ctx<'secrets' | 'counters' | 'audit' | 'verifications'>,
  sessionToken: string | undefined,
): Promise<QuestionStep> {
  const v = await sessionVerification(ctx, sessionToken);
  if (v.status !== 'in_progress') throw new AlreadyCompleted(v.status);
  return questionView(v, ctx.clock.now());
}

/**
 * Records one answer, graded at once (only the grade and, unless redacted, the response are kept),
 * timed by the server. Answers go in order and once: a double submission or a stale page gets 409.
 */
export async function answerQuestion(
  ctx: Ctx<'secrets' | 'verifications' | 'counters' | 'audit'>,
  sessionToken: string | undefined,
  input: z.infer<typeof answerSchema>,
): Promise<QuestionStep> {
  const v = await sessionVerification(ctx, sessionToken);
  if (v.status !== 'in_progress') throw new AlreadyCompleted(v.status);
  const answers = v.answers ?? [];
  if (answers.some((a) => a.questionId === input.questionId))
    throw new StateConflict('ANSWER_ALREADY_RECORDED', 'This question has already been answered');
  const position = answers.length;
  const question = v.questions?.[position];
  if (!question || question.id !== input.questionId) {
    throw new StateConflict('QUESTION_OUT_OF_ORDER', 'Answer the current question first; reload the page');
  }
  const { questionId, ...response } = input;
  let graded: ReturnType<typeof gradeResponse>;
  try {
    graded = gradeResponse(question, response as Response);
  } catch (error) {
    throw new InvalidInput('INVALID_ANSWER', (error as Error).message);
  }
  const now = ctx.clock.now();
  const previousAt = answers.at(-1)?.answeredAt ?? v.openedAt ?? now.toISOString();
  const redact = ctx.config.TRANSCRIPT_RESPONSES === 'redact';
  const record: AnswerRecord = {
    questionId,
    grade: graded.grade,
    response: redact ? null : graded.shown,
    redacted: redact && graded.shown !== null,
    answeredAt: now.toISOString(),
    elapsedMs: Math.max(0, now.getTime() - Date.parse(previousAt)),
  };
  if (!(await ctx.verifications.recordAnswer(v.verificationId, position, record))) {
    const current = await loadVerification(ctx, v.verificationId);
    if (current.status !== 'in_progress') throw new AlreadyCompleted(current.status);
    throw new StateConflict('ANSWER_ALREADY_RECORDED', 'This question has already been answered');
  }
  return questionView({ ...v, answers: [...answers, record] }, now);
}

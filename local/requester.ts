/**
 * A simulated requester on the portal API, for the demo and the tests: answers one question at a
 * time as a seeded person would (from what they know of themselves), wrongly, or not at all.
 */

import type { QuestionSource, Response } from '../shared/domain/model/question.js';
import type { publicQuestion } from '../shared/domain/questions/answers.js';
import { knownAnswers } from './seed.js';

export type PublicQuestion = ReturnType<typeof publicQuestion>;
export type Answering = 'right' | 'wrong' | 'skip';

/** What the person sends for one question. */
export function responseFor(
  question: PublicQuestion,
  email: string,
  how: Answering,
  knows: Knowledge = {},
): Response {
  if (how === 'skip') return { skipped: true };
  const source = question.id as QuestionSource;
  const truth = [...(knows[source] ?? []), ...(knownAnswers(email)[source] ?? [])];
  if (question.kind === 'text') {
    if (how === 'right') return { text: truth[0] ?? '' };
    return { text: question.id === 'manager' ? 'Jordan Smithers' : 'Lotus Notes 4' };
  }
  const options = question.options;
  const right = options.find((o) => truth.includes(o.label));
  if (!right) throw new Error(`${email} has no right option for ${question.id}`);
  const pick = how === 'right' ? right : options.find((o) => o.id !== right.id);
  return { optionId: pick?.id ?? right.id };
}

/** What the person knows beyond their directory record (the tickets they opened in the ITSM). */
export type Knowledge = Partial<Record<QuestionSource, string[]>>;

export interface AnswerOptions {
  email: string;
  knows?: Knowledge;
  /** Per question, or one way for all. */
  how: Answering | ((question: PublicQuestion, index: number) => Answering);
  /** Extra headers (a simulated source address, a user agent). */
  headers?: Record<string, string>;
  /** Time to read each question, as a person would (the server times answers). */
  readMs?: number;
}

/** Answers every question in turn; returns what the server said after the last one. */
export async function answerAll(api: string, sessionToken: string, options: AnswerOptions) {
  const headers = { authorization: `Bearer ${sessionToken}`, ...options.headers };
  let view = await portal(api, 'GET', '/portal/question', headers);
  for (let i = 0; !view.done; i++) {
    const question = view.question as PublicQuestion;
    const how = typeof options.how === 'function' ? options.how(question, i) : options.how;
    if (options.readMs) await new Promise((r) => setTimeout(r, options.readMs));
    view = await portal(api, 'POST', '/portal/answer', headers, {
      questionId: question.id,
      ...responseFor(question, options.email, how, options.knows),
    });
  }
  return view;
}

async function portal(
  api: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: the portal's loosely typed JSON
): Promise<any> {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json;
}

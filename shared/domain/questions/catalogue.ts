/**
 * What every question is worth and how a multiple-choice question is put together: its weight, how
 * many options it shows, and the random draw of decoys and of the true option's place.
 */
import { randomInt } from 'node:crypto';
import { normalise } from '../grading/normalise.js';
import type { ChoiceQuestion, QuestionSource } from '../model/question.js';

/**
 * How private each fact is: what a correct answer proves and what a wrong one costs. A caller who
 * researched the person on LinkedIn and the company site knows the department, office, title,
 * manager and start year, so those prove almost nothing; a colleague knows the team's groups and
 * apps; only the person (and the help desk) knows which tickets they raised.
 */
export const QUESTION_WEIGHTS: Record<QuestionSource, number> = {
  recent_ticket: 1.5,
  group: 1,
  teammate: 1,
  // A caller who knows the department guesses the app most of it uses about half the time.
  app: 0.5,
  manager: 0.25,
  start_year: 0.25,
  department: 0.1,
  office: 0.1,
};

/** Options shown for a private fact (one true, the rest decoys): a guess is right 1 time in 6. */
export const PRIVATE_OPTIONS = 6;
/** Options shown for a public fact. */
export const PUBLIC_OPTIONS = 4;

export function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export const pick = <T>(items: readonly T[]): T | undefined =>
  items.length > 0 ? items[randomInt(items.length)] : undefined;

/**
 * A multiple-choice question: the true option among `size - 1` decoys, taken from `pools` in order
 * (the closest look-alikes first), shuffled within each pool; the true option is placed uniformly
 * at random. Options are compared normalised (`normalise`): "password expired" beside the true
 * "Password expired" would give it away. Left out (undefined) when fewer than `minDecoys` decoys
 * exist.
 */
export function choice(
  id: QuestionSource,
  prompt: string,
  correct: string | undefined,
  pools: readonly (readonly string[])[],
  exclude: readonly string[] = [],
  size = PUBLIC_OPTIONS,
  minDecoys = 2,
): ChoiceQuestion | undefined {
  if (!correct) return undefined;
  const taken = new Set([correct, ...exclude].map(normalise));
  const decoys: string[] = [];
  for (const pool of pools) {
    for (const value of shuffle([...new Set(pool)])) {
      if (decoys.length >= size - 1) break;
      const key = normalise(value);
      if (key !== '' && !taken.has(key)) {
        taken.add(key);
        decoys.push(value);
      }
    }
  }
  if (decoys.length < minDecoys) return undefined;
  const labels = shuffle(decoys);
  labels.splice(randomInt(labels.length + 1), 0, correct);
  const options = labels.map((label, i) => ({ id: `${id}-${i + 1}`, label }));
  const answer = options.find((o) => o.label === correct);
  return (
    answer && { id, kind: 'choice', prompt, weight: QUESTION_WEIGHTS[id], options, answerOptionId: answer.id }
  );
}

export type Grade = 'correct' | 'partial' | 'invalid' | 'skipped';

/** What a question asks about; also its ID (one question per fact). */
export type QuestionSource =
  | 'recent_ticket'
  | 'teammate'
  | 'manager'
  | 'group'
  | 'app'
  | 'start_year'
  | 'department'
  | 'office';

interface QuestionBase {
  id: QuestionSource;
  prompt: string;
  weight: number;
}

export interface ChoiceQuestion extends QuestionBase {
  kind: 'choice';
  options: { id: string; label: string }[];
  /** Which option is right; never leaves the server. */
  answerOptionId: string;
}

export interface TextQuestion extends QuestionBase {
  kind: 'text';
  hint: string;
  /** Any of these is right (a person may use several apps); never leaves the server. */
  accepted: string[];
  answerKind: FreeTextKind;
  /** Close values that must not pass as typos (colleagues' names). */
  decoys: string[];
}

export type Question = ChoiceQuestion | TextQuestion;

/** What the requester sent for one question. */
export type Response = { optionId: string } | { text: string } | { skipped: true };

/** One answer as recorded when it arrived (server time); the response is null when redacted. */
export interface AnswerRecord {
  questionId: string;
  grade: Grade;
  response: string | null;
  redacted: boolean;
  answeredAt: string;
  /** Server-measured time since the previous answer (or since the link was opened). */
  elapsedMs: number;
}

/** One line of the transcript: what was asked, what was shown, what came back, how it was graded. */
export interface TranscriptEntry {
  questionId: string;
  kind: Question['kind'];
  prompt: string;
  options: string[];
  /** The option chosen or the text typed; null when skipped, unanswered or redacted. */
  response: string | null;
  redacted: boolean;
  grade: Grade;
  elapsedMs?: number;
}

export type FreeTextKind = 'person' | 'place' | 'text' | 'year';

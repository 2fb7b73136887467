/**
 * The push port in memory, for use-case tests: people are enrolled (or not) by the test, and each
 * push is answered as scripted: `approve`, `deny`, or `never` (it times out at its expiry, on the
 * test's clock). Polls before `answerAfterPolls` polls report `waiting`, as a person who has not
 * looked at their phone yet. Records every push sent (without the reason's text being judged).
 * Enforces what the real adapters do: a push goes only to the person's own enrolled factor, a
 * transaction answers only for the factor it was sent to, a final result stays final.
 */
import {
  type AuthenticatorPush,
  isFinalPushResult,
  type PushContext,
  type PushFactor,
  type PushPerson,
  type PushResult,
  type PushStarted,
  type PushStatus,
  type PushVendor,
} from '../../ports/authenticator-push.js';

export type ScriptedAnswer = 'approve' | 'deny' | 'never';

interface Transaction {
  userId: string;
  factorId: string;
  expiresAt: number;
  answer: ScriptedAnswer;
  polls: number;
  result: PushResult;
  correctAnswer?: string;
}

export interface MemoryAuthenticatorPushOptions {
  vendor?: PushVendor;
  /** Epoch ms; the test's clock. */
  now?: () => number;
  lifetimeSeconds?: number;
  /** Polls that report `waiting` before the scripted answer shows. Default 1. */
  answerAfterPolls?: number;
}

export class MemoryAuthenticatorPush implements AuthenticatorPush {
  readonly vendor: PushVendor;
  /** Pushes sent: who, which factor, the reason shown. */
  readonly sent: { userId: string; factorId: string; reason: string; transactionId: string }[] = [];
  private readonly factors = new Map<string, PushFactor>();
  private readonly answers = new Map<string, ScriptedAnswer>();
  private readonly transactions = new Map<string, Transaction>();
  private readonly now: () => number;

  constructor(private readonly options: MemoryAuthenticatorPushOptions = {}) {
    this.vendor = options.vendor ?? 'okta_verify';
    this.now = options.now ?? Date.now;
  }

  /** Enrolls a push factor for `userId`; its pushes are answered `answer`. */
  enroll(userId: string, answer: ScriptedAnswer = 'approve', numberChallenge = false): PushFactor {
    const factor = { factorId: `pf-${userId}`, vendor: this.vendor, numberChallenge };
    this.factors.set(userId, factor);
    this.answers.set(userId, answer);
    return factor;
  }

  /** How the person's next pushes are answered. */
  script(userId: string, answer: ScriptedAnswer): void {
    this.answers.set(userId, answer);
  }

  async findPushFactor(person: PushPerson): Promise<PushFactor | undefined> {
    const factor = this.factors.get(person.userId);
    return factor ? { ...factor } : undefined;
  }

  async startPush(person: PushPerson, factor: PushFactor, context: PushContext): Promise<PushStarted> {
    this.ownFactor(person, factor);
    const transactionId = `tx-${this.sent.length + 1}`;
    const expiresAt = this.now() + (this.options.lifetimeSeconds ?? 300) * 1000;
    const correctAnswer = factor.numberChallenge ? String(10 + ((this.sent.length * 37) % 90)) : undefined;
    this.transactions.set(transactionId, {
      userId: person.userId,
      factorId: factor.factorId,
      expiresAt,
      answer: this.answers.get(person.userId) ?? 'never',
      polls: 0,
      result: 'waiting',
      ...(correctAnswer ? { correctAnswer } : {}),
    });
    this.sent.push({
      userId: person.userId,
      factorId: factor.factorId,
      reason: context.reason,
      transactionId,
    });
    return {
      transactionId,
      expiresAt: new Date(expiresAt).toISOString(),
      ...(correctAnswer ? { correctAnswer } : {}),
    };
  }

  async pollPush(person: PushPerson, factor: PushFactor, transactionId: string): Promise<PushStatus> {
    const tx = this.transactions.get(transactionId);
    if (!tx || tx.userId !== person.userId || tx.factorId !== factor.factorId) {
      throw new Error(`push transaction ${transactionId} not found for this person and factor`);
    }
    if (!isFinalPushResult(tx.result)) {
      tx.polls += 1;
      if (this.now() >= tx.expiresAt) tx.result = 'timed_out';
      else if (tx.polls > (this.options.answerAfterPolls ?? 1) && tx.answer !== 'never')
        tx.result = tx.answer === 'approve' ? 'approved' : 'rejected';
    }
    return {
      result: tx.result,
      ...(tx.correctAnswer && tx.result === 'waiting' ? { correctAnswer: tx.correctAnswer } : {}),
    };
  }

  private ownFactor(person: PushPerson, factor: PushFactor): void {
    if (this.factors.get(person.userId)?.factorId !== factor.factorId) {
      throw new Error('the factor is not enrolled for this person');
    }
  }
}

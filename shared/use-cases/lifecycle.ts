/**
 * The lifecycle tasks the state machine (statemachines/verification-lifecycle.asl.json) calls.
 * Each is idempotent where the state machine may run it twice (Retry), and throws the named errors
 * the ASL's Retry and Catch match.
 */

import { randomUUID } from 'node:crypto';
import type { Ctx } from '../composition.js';
import {
  AlreadyCompleted,
  NotFound,
  StateConflict,
  TicketSystemRetryableError,
  UpstreamRefused,
} from '../domain/errors.js';
import {
  isFinal,
  PROGRESS_WRITES,
  type TicketWrite,
  type Verification,
} from '../domain/model/verification.js';
import {
  actionNote,
  cancelledNote,
  noteMarker,
  openedNote,
  outcomeNote,
  resolveNote,
  sentNote,
} from '../domain/ticket-notes.js';
import { hashLinkToken, newLinkToken } from '../domain/tokens.js';
import type { WriteOptions } from '../ports/ticket-system.js';
import * as z from '../zod.js';
import { loadConnection } from './intake-ticket.js';
import { lifecycleOutcome } from './lifecycle-outcome.js';
import { resumeStage, SUPERSEDED_BY_RESEND } from './resume-stage.js';

const id = z.string().check(z.minLength(1));

export const taskInputSchema = z.object({ verificationId: id });

export const awaitInputSchema = z.extend(taskInputSchema, {
  stage: z.enum(['open', 'completion', 'action']),
  taskToken: id,
});

export const recordInputSchema = z.extend(taskInputSchema, {
  event: z.enum(['timed_out', 'delivery_failed', 'action_expired', 'write_back_failed']),
  error: z.optional(z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) })),
});

export const ticketInputSchema = z.extend(taskInputSchema, {
  write: z.enum(['sent', 'opened', 'cancelled', 'outcome', 'action', 'resolve']),
});

async function load(ctx: Ctx<'verifications'>, verificationId: string): Promise<Verification> {
  const v = await ctx.verifications.getVerification(verificationId);
  if (!v) throw new NotFound('VERIFICATION_NOT_FOUND', `No verification ${verificationId}`);
  return v;
}

const at = (ctx: Ctx) => ctx.clock.now().toISOString();

function lifetime(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.round(ms / 1000)} seconds`;
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/** SendLink: a fresh token, only its hash stored, the link delivered through the Messenger. */
export async function sendLink(
  ctx: Ctx<'messenger' | 'verifications' | 'linkTokens' | 'audit'>,
  verificationId: string,
): Promise<void> {
  const v = await load(ctx, verificationId);
  // Opened, finished or already delivered (a re-run after a retry or a resumed execution): nothing to send.
  if (v.status !== 'sent' || v.linkDeliveredAt) return;
  const token = newLinkToken();
  await ctx.linkTokens.saveLinkToken(hashLinkToken(token), v.verificationId, v.linkExpiresAt);
  // The token travels in the fragment: never sent to a server, never in access logs or Referer.
  const link = `${ctx.config.PORTAL_BASE_URL}/#t=${token}`;
  const validFor = lifetime(Date.parse(v.linkExpiresAt) - Date.parse(v.createdAt));
  await ctx.messenger.send({ ...linkMessage(v, link, validFor), channel: v.channel, to: v.destination });
  await ctx.verifications.markLinkDelivered(v.verificationId, at(ctx));
  await ctx.audit.appendAudit({
    verificationId: v.verificationId,
    ticket: v.ticket,
    actor: 'system',
    action: 'link.delivered',
    at: at(ctx),
    details: { channel: v.channel, destination: v.destinationMasked },
  });
}

function linkMessage(v: Verification, link: string, validFor: string) {
  const verificationId = v.verificationId;
  if (v.origin === 'self_service') {
    return {
      verificationId,
      subject: 'Reset your password',
      text:
        v.channel === 'sms'
          ? `Password reset you asked for: ${link} (valid ${validFor}). Not you? Ignore this message.`
          : `Someone, hopefully you, asked to reset your password on the IT self-service portal.\n\nOpen this link to verify it is you and continue (valid for ${validFor}):\n${link}\n\nIf it was not you, ignore this message: nothing changes unless the link is used.`,
    };
  }
  return {
    verificationId,
    subject: `Verify your identity for ticket ${v.ticketNumber}`,
    text:
      v.channel === 'sms'
        ? `IT help desk: verify your identity for ticket ${v.ticketNumber}: ${link} (valid ${validFor})`
        : `The IT help desk asked you to verify your identity for ticket ${v.ticketNumber}.\n\nOpen this link to continue (valid for ${validFor}):\n${link}\n\nIf you did not contact the help desk, do not open the link and call them on the number you know.`,
  };
}

/**
 * AwaitOpen / AwaitCompletion / AwaitAction: store the callback token. If the stage is already
 * over (opened, finished, cancelled), the portal or console could not see the token, so we resume
 * it ourselves, with what the verification says now.
 */
export async function awaitStage(
  ctx: Ctx<'workflow' | 'verifications' | 'connections'>,
  input: z.infer<typeof awaitInputSchema>,
): Promise<void> {
  if (await ctx.verifications.storeTaskToken(input.verificationId, input.stage, input.taskToken)) return;
  await resumeStage(ctx, input.verificationId, input.stage, input.taskToken);
}

/** Timeouts and final failures: recorded on the verification, so they are visible and nothing is lost. */
export async function recordEvent(
  ctx: Ctx<'verifications' | 'audit' | 'connections'>,
  input: z.infer<typeof recordInputSchema>,
) {
  const v = await load(ctx, input.verificationId);
  const base = { verificationId: v.verificationId, ticket: v.ticket, actor: 'system', at: at(ctx) };
  if (input.event === 'timed_out') {
    try {
      await ctx.verifications.transition(
        v.verificationId,
        'timed_out',
        {},
        { ...base, action: 'verification.timed_out' },
      );
    } catch (error) {
      // Completed at the last moment: keep that outcome.
      if (!(error instanceof AlreadyCompleted)) throw error;
    }
    const connection = await loadConnection(ctx, v.ticket.connectionId);
    return lifecycleOutcome(await load(ctx, v.verificationId), connection);
  }
  if (input.event === 'delivery_failed') {
    await ctx.verifications.transition(
      v.verificationId,
      'cancelled',
      {},
      {
        ...base,
        action: 'verification.cancelled',
        details: { reason: `link not delivered: ${input.error?.Error ?? 'Error'}` },
      },
    );
    return undefined;
  }
  if (input.event === 'action_expired') {
    await ctx.verifications.setAction(v.verificationId, ['pending'], 'expired', {
      ...base,
      action: 'action.expired',
    });
    return undefined;
  }
  // A write that gave up waiting for a concurrent writer may find everything made after all.
  const connection = await loadConnection(ctx, v.ticket.connectionId);
  const made = v.writeBack.written ?? [];
  if (dueWrites(v, connection.autoClose).every((w) => made.includes(w))) return undefined;
  const lastError = `${input.error?.Error ?? 'Error'}: ${(input.error?.Cause ?? '').slice(0, 500)}`;
  await ctx.verifications.setWriteBack(v.verificationId, 'failed', { lastError });
  await ctx.audit.appendAudit({
    ...base,
    action: 'ticket.write_back_failed',
    details: { error: input.error?.Error ?? 'Error' },
  });
  return undefined;
}

/**
 * How long one ticket write may hold the verification's write-back lease. Longer than a write can
 * take (a few HTTP calls with their timeouts) and than the task's 30 s; a writer that died mid-way
 * frees it after this, and the connector's check for our note keeps the repeat from doubling it.
 */
export const WRITE_BACK_LEASE_SECONDS = 90;

/**
 * Another writer (a parallel retry, or the lifecycle) holds the lease on this write. Named
 * TicketSystemRetryableError, so the state machine's Retry waits and tries again (it then finds
 * the write made); the console answers 409 WRITE_BACK_IN_PROGRESS.
 */
export class WriteBackInProgressError extends TicketSystemRetryableError {}

/**
 * WriteBack / RecordAction / AutoClose, the trail notes, and the console's retry: the writes to the
 * ticket. Every path goes through one guard, a conditional claim on the verification's write-back
 * state (claim with a lease, release after recording the write), so each write is made once however
 * many retries run at the same time. Returns 'written', or 'already' when it had been made.
 */
export async function writeToTicket(
  ctx: Ctx<'ticketSystems' | 'verifications' | 'audit' | 'connections'>,
  input: z.infer<typeof ticketInputSchema>,
): Promise<'written' | 'already'> {
  const v = await load(ctx, input.verificationId);
  // Made already (a resumed execution, or a manual retry of what failed): never write it twice.
  if (v.writeBack.written?.includes(input.write)) return 'already';
  const owner = randomUUID();
  const claim = await ctx.verifications.claimWriteBack(
    v.verificationId,
    input.write,
    owner,
    WRITE_BACK_LEASE_SECONDS,
  );
  if (claim.status === 'written') return 'already';
  if (claim.status === 'in_progress') {
    throw new WriteBackInProgressError(
      `The ${input.write} write to the ticket is being made by another request`,
    );
  }
  try {
    // An earlier attempt that timed out may have landed: the connector looks for it first.
    await makeWrite(ctx, v, input.write, { mayExist: claim.attemptedBefore });
  } catch (error) {
    await ctx.verifications.releaseWriteBack(v.verificationId, owner);
    throw error;
  }
  // Progress notes are recorded as made but do not speak for the outcome's write-back state.
  const state = PROGRESS_WRITES.includes(input.write) ? v.writeBack.state : 'done';
  await ctx.verifications.setWriteBack(v.verificationId, state, { written: input.write });
  await ctx.verifications.releaseWriteBack(v.verificationId, owner);
  if (v.origin !== 'self_service') {
    await ctx.audit.appendAudit({
      verificationId: v.verificationId,
      ticket: v.ticket,
      actor: 'system',
      action: `ticket.${input.write}_written`,
      at: at(ctx),
    });
  }
  return 'written';
}

/**
 * A Retry-After up to this is the adapters' to wait out in-process (their MAX_INLINE_RETRY_AFTER
 * _SECONDS) and the task Retry's afterwards; a longer one is the Wait state's.
 */
const SHORT_RETRY_AFTER_SECONDS = 5;

/** The longest a lifecycle write waits out an ITSM's announced rate limit, in all (2 h). */
export const MAX_WRITE_BACK_WAIT_SECONDS = 7200;

/** What a ticket-write task answers: written (or made already), or how long to wait first. */
export type TicketWriteResult = { result: 'written' | 'already' } | { waitSeconds: number };

/**
 * The state machine's ticket-write task (WriteBack, RecordAction, AutoClose and the trail notes).
 * An outcome write refused with a Retry-After longer than a write can wait in-process (ServiceNow's
 * hourly rate limit answers up to an hour) answers `waitSeconds`: the state machine waits that long
 * in a Wait state and writes again, as long as it stays within the action window after completion
 * (at most MAX_WRITE_BACK_WAIT_SECONDS); past that the error goes to its Retry and Catch, and the
 * failed write-back shows in the console. Trail notes never wait: they never hold a verification up.
 */
export async function ticketWriteTask(
  ctx: Ctx<'ticketSystems' | 'verifications' | 'audit' | 'connections'>,
  input: z.infer<typeof ticketInputSchema>,
): Promise<TicketWriteResult> {
  try {
    return { result: await writeToTicket(ctx, input) };
  } catch (error) {
    const retryAfter = error instanceof TicketSystemRetryableError ? error.retryAfterSeconds : undefined;
    if (
      retryAfter === undefined ||
      retryAfter <= SHORT_RETRY_AFTER_SECONDS ||
      PROGRESS_WRITES.includes(input.write)
    )
      throw error;
    const v = await load(ctx, input.verificationId);
    const connection = await loadConnection(ctx, v.ticket.connectionId);
    const from = Date.parse(v.completedAt ?? v.updatedAt);
    const window = Math.min(connection.actionWindowSeconds, MAX_WRITE_BACK_WAIT_SECONDS);
    if (ctx.clock.now().getTime() + retryAfter * 1000 > from + window * 1000) throw error;
    return { waitSeconds: retryAfter };
  }
}

/** The write itself, under the lease; every note carries its marker (verification ID and kind). */
async function makeWrite(
  ctx: Ctx<'ticketSystems' | 'verifications' | 'connections' | 'audit'>,
  v: Verification,
  write: TicketWrite,
  options: WriteOptions,
) {
  // A self-service request has no ticket: the console and the audit log are its record.
  if (v.origin === 'self_service') return;
  const connection = await loadConnection(ctx, v.ticket.connectionId);
  const itsm = ctx.ticketSystems.forConnection(connection);
  const ticketId = v.ticket.ticketId;
  if (write === 'resolve') {
    await itsm.resolve(ticketId, connection.closeCode, resolveNote(v), options);
    await ctx.verifications.markTicketResolved(v.verificationId, at(ctx));
    return;
  }
  const consoleUrl = `${ctx.config.CONSOLE_BASE_URL}/verifications/${v.verificationId}`;
  const note =
    write === 'sent'
      ? sentNote(v)
      : write === 'opened'
        ? openedNote(v)
        : write === 'cancelled'
          ? cancelledNote(v, await cancelledBy(ctx, v))
          : write === 'outcome'
            ? outcomeNote(v, consoleUrl, { outcomeOnly: connection.agentView === 'outcome_only' })
            : actionNote(v);
  await itsm.addNote(ticketId, { ...note, marker: noteMarker(v.verificationId, write) }, options);
}

/** Who cancelled and when, from the audit trail the cancel wrote in the same transaction. */
async function cancelledBy(ctx: Ctx<'audit'>, v: Verification) {
  const event = (await ctx.audit.listAudit(v.verificationId)).find(
    (e) => e.action === 'verification.cancelled',
  );
  return {
    actor: event?.actor ?? 'unknown',
    at: event?.at ?? v.updatedAt,
    resend: event?.details?.reason === SUPERSEDED_BY_RESEND,
  };
}

/** The ticket writes a verification is due, in order, given where its lifecycle got to. */
export function dueWrites(v: Verification, autoClose: boolean): TicketWrite[] {
  if (!isFinal(v.status) || v.status === 'cancelled') return [];
  const actionDone = v.action.state === 'done';
  return [
    'outcome' as const,
    ...(actionDone ? (['action'] as const) : []),
    ...(actionDone && autoClose ? (['resolve'] as const) : []),
  ];
}

/**
 * Retry a failed write-back (primary course): an agent asks again once the ITSM is back; every
 * write the verification is due and that was not made yet is made now, in order. Writes already
 * made are skipped, so nothing lands on the ticket twice.
 */
export async function retryWriteBack(
  ctx: Ctx<'ticketSystems' | 'verifications' | 'audit' | 'connections'>,
  verificationId: string,
  actor: string,
) {
  const v = await load(ctx, verificationId);
  if (v.writeBack.state !== 'failed') {
    throw new StateConflict(
      'WRITE_BACK_NOT_FAILED',
      `The write-back is ${v.writeBack.state}; only a failed one can be retried`,
    );
  }
  const connection = await loadConnection(ctx, v.ticket.connectionId);
  const base = { verificationId, ticket: v.ticket, actor };
  let wrote = 0;
  for (const write of dueWrites(v, connection.autoClose)) {
    try {
      if ((await writeToTicket(ctx, { verificationId, write })) === 'written') wrote += 1;
    } catch (error) {
      if (error instanceof WriteBackInProgressError) {
        throw new StateConflict(
          'WRITE_BACK_IN_PROGRESS',
          'Another retry of this write-back is running; reload the verification in a moment',
        );
      }
      const lastError = `${(error as Error).name}: ${(error as Error).message.slice(0, 500)}`;
      await ctx.verifications.setWriteBack(verificationId, 'failed', { lastError });
      await ctx.audit.appendAudit({
        ...base,
        action: 'ticket.write_back_retry_failed',
        at: at(ctx),
        details: { write },
      });
      throw new UpstreamRefused(
        'ITSM_WRITE_FAILED',
        `The ticket system refused the ${write} write: ${lastError}`,
      );
    }
  }
  // Every due write had been made (by a concurrent retry): this click wrote nothing. A failure
  // recorded in between must not keep saying "failed" for writes that are all on the ticket.
  if (wrote === 0) {
    if ((await load(ctx, verificationId)).writeBack.state === 'failed')
      await ctx.verifications.setWriteBack(verificationId, 'done');
    throw new StateConflict('WRITE_BACK_ALREADY_DONE', 'The write-back was already made');
  }
  await ctx.audit.appendAudit({ ...base, action: 'ticket.write_back_retried', at: at(ctx) });
  return load(ctx, verificationId);
}

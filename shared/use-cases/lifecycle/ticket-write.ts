/**
 * Write to the ticket (task TicketWrite): the progress notes, the outcome, the action and the
 * resolution.
 *
 * Primary course: the write is claimed with a lease (so concurrent retries never make it twice), made
 * through the connection's ITSM adapter with a marker, recorded as made, and the lease released. A
 * write an earlier attempt may have landed is looked for first.
 */
import { randomUUID } from 'node:crypto';
import { TicketSystemRetryableError } from '../../domain/errors.js';
import {
  hasTicket,
  isFinal,
  PROGRESS_WRITES,
  type TicketWrite,
  type Verification,
} from '../../domain/model/verification.js';
import {
  actionNote,
  cancelledNote,
  noteMarker,
  openedNote,
  outcomeNote,
  resolveNote,
  sentNote,
  stepUpNote,
} from '../../domain/ticket-notes.js';
import type { Ctx } from '../../ports/context.js';
import type { WriteOptions } from '../../ports/ticket-system.js';
import type * as z from '../../zod.js';
import { loadConnection, loadVerification } from '../load.js';
import { SUPERSEDED_BY_RESEND } from '../resume-stage.js';
import type { ticketInputSchema } from './inputs.js';

/**
 * How long one ticket write may hold the verification's write-back lease. Longer than a write can
 * take (a few HTTP calls with their timeouts) and than the task's 30 s; a writer that died mid-way
 * frees it after this, and the connector's check for our note keeps the repeat from doubling it.
 */
const WRITE_BACK_LEASE_SECONDS = 90;

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
  const v = await loadVerification(ctx, input.verificationId);
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
  if (hasTicket(v)) {
    await ctx.audit.appendAudit({
      verificationId: v.verificationId,
      ticket: v.ticket,
      actor: 'system',
      action: `ticket.${input.write}_written`,
      at: ctx.clock.now().toISOString(),
    });
  }
  return 'written';
}

/**
 * A Retry-After up to this is the adapters' to wait out in-process (the outbound client's
 * MAX_INLINE_RETRY_AFTER_SECONDS, shared/adapters/http/retry-after.ts) and the task Retry's afterwards; a longer one is the Wait state's.
 */
const SHORT_RETRY_AFTER_SECONDS = 5;

/** The longest a lifecycle write waits out an ITSM's announced rate limit, in all (2 h). */
const MAX_WRITE_BACK_WAIT_SECONDS = 7200;

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
    const v = await loadVerification(ctx, input.verificationId);
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
  // A self-service or ticketless agent-led request has no ticket: the console and the audit log are its record.
  if (!hasTicket(v)) return;
  const connection = await loadConnection(ctx, v.ticket.connectionId);
  const itsm = ctx.ticketSystems.forConnection(connection);
  const ticketId = v.ticket.ticketId;
  if (write === 'resolve') {
    await itsm.resolve(ticketId, connection.closeCode, resolveNote(v), options);
    await ctx.verifications.markTicketResolved(v.verificationId, ctx.clock.now().toISOString());
    return;
  }
  const consoleUrl = `${ctx.config.CONSOLE_BASE_URL}/verifications/${v.verificationId}`;
  const note =
    write === 'sent'
      ? sentNote(v)
      : write === 'opened'
        ? openedNote(v)
        : write === 'step_up'
          ? stepUpNote(v)
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

/**
 * The ticket writes' state and the lease that lets one writer at a time make each write: the
 * DynamoDB conditions of `writeBackClaimOutcome` and `mayReleaseLease` (domain/model/lifecycle-rules.ts).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NotFound } from '../../domain/errors.js';
import { type StoredWriteBack, writeBackClaimOutcome } from '../../domain/model/lifecycle-rules.js';
import type { TicketWrite, WriteBackState } from '../../domain/model/verification.js';
import type { WriteBackClaim } from '../../ports/verifications.js';
import { keys } from './table.js';
import { isConditionFailure, readVerificationItem, type TableAccess, type TableItem } from './writes.js';

export async function writeWriteBackState(
  t: TableAccess,
  verificationId: string,
  state: WriteBackState,
  details: { lastError?: string; written?: TicketWrite } = {},
): Promise<void> {
  const set = ['writeBack.#state = :state', 'writeBack.updatedAt = :at'];
  const values: TableItem = { ':state': state, ':at': t.now().toISOString() };
  if (details.written) {
    set.push('writeBack.written = list_append(if_not_exists(writeBack.written, :none), :written)');
    Object.assign(values, { ':none': [], ':written': [details.written] });
  }
  if (details.lastError !== undefined) {
    set.push('writeBack.lastError = :error');
    values[':error'] = details.lastError;
  }
  await t.doc.send(
    new UpdateCommand({
      TableName: t.table,
      Key: keys.verification(verificationId),
      UpdateExpression: `SET ${set.join(', ')}${details.lastError === undefined ? ' REMOVE writeBack.lastError' : ''}`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: values,
    }),
  );
}

/**
 * Claimable (not written, no live lease) is the condition; the claim is appended to
 * writeBack.attempted in the same write, whose old value says whether an attempt went before.
 * When the condition fails, the record read afterwards says which of the other outcomes it is.
 */
export async function writeWriteBackClaim(
  t: TableAccess,
  verificationId: string,
  write: TicketWrite,
  owner: string,
  leaseSeconds: number,
): Promise<WriteBackClaim> {
  const now = t.now();
  try {
    const out = await t.doc.send(
      new UpdateCommand({
        TableName: t.table,
        Key: keys.verification(verificationId),
        UpdateExpression:
          'SET writeBack.#claim = :claim, writeBack.attempted = list_append(if_not_exists(writeBack.attempted, :none), :writes)',
        ConditionExpression:
          'attribute_exists(pk) AND (attribute_not_exists(writeBack.written) OR NOT contains(writeBack.written, :write)) AND (attribute_not_exists(writeBack.#claim) OR writeBack.#claim.#until < :now)',
        ExpressionAttributeNames: { '#claim': 'claim', '#until': 'until' },
        ExpressionAttributeValues: {
          ':claim': { write, owner, until: new Date(now.getTime() + leaseSeconds * 1000).toISOString() },
          ':write': write,
          ':writes': [write],
          ':none': [],
          ':now': now.toISOString(),
        },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    const before = (out.Attributes?.writeBack as StoredWriteBack | undefined)?.attempted ?? [];
    return { status: 'claimed', attemptedBefore: before.includes(write) };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  const v = await readVerificationItem(t, verificationId);
  if (!v) throw new NotFound('VERIFICATION_NOT_FOUND', 'No such verification');
  const outcome = writeBackClaimOutcome(v.writeBack, write, now);
  // Not claimable a moment ago: a lease that has run out since still counts as held (as before).
  return outcome.status === 'written' ? { status: 'written' } : { status: 'in_progress' };
}

/** `mayReleaseLease` as the condition: only our own lease is removed. */
export async function removeWriteBackLease(
  t: TableAccess,
  verificationId: string,
  owner: string,
): Promise<void> {
  await t.conditionally(
    new UpdateCommand({
      TableName: t.table,
      Key: keys.verification(verificationId),
      UpdateExpression: 'REMOVE writeBack.#claim',
      ConditionExpression: 'attribute_exists(pk) AND writeBack.#claim.#owner = :owner',
      ExpressionAttributeNames: { '#claim': 'claim', '#owner': 'owner' },
      ExpressionAttributeValues: { ':owner': owner },
    }),
  );
}

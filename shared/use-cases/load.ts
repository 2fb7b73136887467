/** Loads that every use case shares: a verification or a connection by id, or NotFound. */
import { NotFound } from '../domain/errors.js';
import type { Connection } from '../domain/model/connection.js';
import type { Verification } from '../domain/model/verification.js';
import type { Ctx } from '../ports/context.js';

export async function loadVerification(
  ctx: Ctx<'verifications'>,
  verificationId: string,
): Promise<Verification> {
  const v = await ctx.verifications.getVerification(verificationId);
  if (!v) throw new NotFound('VERIFICATION_NOT_FOUND', 'No such verification');
  return v;
}

export async function loadConnection(ctx: Ctx<'connections'>, connectionId: string): Promise<Connection> {
  const connection = await ctx.connections.getConnection(connectionId);
  if (!connection) throw new NotFound('UNKNOWN_CONNECTION', 'No such connection');
  return connection;
}

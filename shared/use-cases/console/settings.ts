/**
 * Settings (admin, primary course): each connection's policy (categories that need verification,
 * link lifetime, minimum questions, score thresholds, auto-close, retention) and its secrets,
 * which can be replaced but are never returned. The connection's own settings are validated by
 * the same schema as everywhere else (domain/connections.ts); every change is an audit event.
 */

import type { ConnectionPolicyBody, ConnectionSettings, Settings } from '../../console-api/settings.js';
import { DEFAULT_SCORING } from '../../domain/assessment.js';
import { DEFAULT_ASSURANCE } from '../../domain/assurance.js';
import { parseConnection } from '../../domain/connections.js';
import { InvalidInput, NotFound } from '../../domain/errors.js';
import type { Connection } from '../../domain/model/connection.js';
import type { Principal } from '../../domain/model/principal.js';
import { DEFAULT_MANAGER_APPROVAL_SECONDS } from '../../domain/step-up.js';
import type { Ctx } from '../../ports/context.js';
import { secretNames } from '../../ports/secrets.js';

function view(c: Connection, retentionDays: number): ConnectionSettings {
  return {
    connectionId: c.connectionId,
    name: c.name,
    type: c.type,
    baseUrl: c.baseUrl,
    gatedCategories: c.gatedCategories,
    linkLifetimeSeconds: c.linkLifetimeSeconds,
    actionWindowSeconds: c.actionWindowSeconds,
    minAnswered: c.minAnswered,
    autoClose: c.autoClose,
    closeCode: c.closeCode,
    mediumFrom: c.mediumFrom ?? DEFAULT_SCORING.mediumFrom,
    highFrom: c.highFrom ?? DEFAULT_SCORING.highFrom,
    minKnowledgeSms: c.minKnowledgeSms ?? DEFAULT_SCORING.minKnowledge.sms,
    minKnowledgeEmail: c.minKnowledgeEmail ?? DEFAULT_SCORING.minKnowledge.email,
    retentionDays: c.retentionDays ?? retentionDays,
    agentView: c.agentView ?? 'full',
    managerApprovalSeconds: c.managerApprovalSeconds ?? DEFAULT_MANAGER_APPROVAL_SECONDS,
    assurance: c.assurance ?? DEFAULT_ASSURANCE,
  };
}

/** Each changed setting's old and new value (`<name>.before`, `<name>.after`), for the audit log. */
function changes(before: Connection, body: ConnectionPolicyBody): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  const flat = (v: unknown): string | number | boolean =>
    v === undefined ? '(default)' : Array.isArray(v) ? v.join(', ') : (v as string | number | boolean);
  const isRecord = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  // Nested settings (the assurance policy) are compared leaf by leaf: `assurance.requirements.privileged.mfa_reset.strongProofs.before`.
  const walk = (name: string, old: unknown, value: unknown) => {
    if (isRecord(value)) {
      const defaults = name === 'assurance' && old === undefined ? DEFAULT_ASSURANCE : old;
      for (const [key, inner] of Object.entries(value))
        walk(`${name}.${key}`, isRecord(defaults) ? defaults[key] : undefined, inner);
      return;
    }
    if (JSON.stringify(old) === JSON.stringify(value)) return;
    out[`${name}.before`] = flat(old);
    out[`${name}.after`] = flat(value);
  };
  for (const [name, value] of Object.entries(body))
    walk(name, (before as unknown as Record<string, unknown>)[name], value);
  return out;
}

export async function getSettings(ctx: Ctx<'consoleQueries'>): Promise<Settings> {
  const connections = await ctx.consoleQueries.listConnections();
  return {
    connections: connections
      .sort((a, b) => a.connectionId.localeCompare(b.connectionId))
      .map((c) => view(c, ctx.config.RETENTION_DAYS)),
  };
}

export async function updateConnectionPolicy(
  ctx: Ctx<'connections' | 'audit'>,
  connectionId: string,
  body: ConnectionPolicyBody,
  principal: Principal,
): Promise<ConnectionSettings> {
  const connection = await ctx.connections.getConnection(connectionId);
  if (!connection) throw new NotFound('CONNECTION_NOT_FOUND', 'No such connection');
  const medium = body.mediumFrom ?? connection.mediumFrom ?? DEFAULT_SCORING.mediumFrom;
  const high = body.highFrom ?? connection.highFrom ?? DEFAULT_SCORING.highFrom;
  if (medium >= high)
    throw new InvalidInput(
      'VALIDATION_FAILED',
      `The High risk score (${high}) must be above the Medium risk score (${medium}).`,
      [{ path: 'highFrom', message: `\`highFrom\` (${high}) must be above \`mediumFrom\` (${medium})` }],
    );
  const parsed = parseConnection({ ...connection, ...body });
  if (!parsed.ok)
    throw new InvalidInput(
      'VALIDATION_FAILED',
      `This policy cannot be saved: ${parsed.issues[0] ?? 'a setting is out of range'}.`,
      parsed.issues.map((message) => ({ path: message.split(':')[0] ?? '', message })),
    );
  await ctx.connections.putConnection(parsed.connection);
  await ctx.audit.appendAudit({
    actor: principal.username,
    action: 'settings.connection_updated',
    at: ctx.clock.now().toISOString(),
    details: { connectionId, changed: Object.keys(body).sort().join(','), ...changes(connection, body) },
  });
  return view(parsed.connection, ctx.config.RETENTION_DAYS);
}

export async function putConnectionSecrets(
  ctx: Ctx<'secretWriter' | 'connections' | 'audit'>,
  connectionId: string,
  body: { webhook?: string[]; outbound?: string },
  principal: Principal,
): Promise<{ updated: string[] }> {
  const connection = await ctx.connections.getConnection(connectionId);
  if (!connection) throw new NotFound('CONNECTION_NOT_FOUND', 'No such connection');
  const updated: string[] = [];
  try {
    if (body.webhook) {
      await ctx.secretWriter.put(secretNames.webhookSecrets(connectionId), JSON.stringify(body.webhook));
      updated.push('webhook');
    }
    if (body.outbound !== undefined) {
      await ctx.secretWriter.put(secretNames.outboundCredentials(connectionId), body.outbound);
      updated.push('outbound');
    }
  } finally {
    // Recorded even when the second write failed: the first one happened.
    if (updated.length > 0)
      await ctx.audit.appendAudit({
        actor: principal.username,
        action: 'settings.secret_updated',
        at: ctx.clock.now().toISOString(),
        details: { connectionId, secrets: updated.join(',') },
      });
  }
  if (updated.length === 0) throw new InvalidInput('NOTHING_TO_UPDATE', 'Set at least one secret');
  return { updated };
}

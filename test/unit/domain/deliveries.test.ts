import { describe, expect, it } from 'vitest';
import { parseConnection } from '../../../shared/domain/connections.js';
import { inboundAuth, parseDelivery } from '../../../shared/domain/deliveries.js';
import type { Connection } from '../../../shared/domain/model/connection.js';
import { verifyBasic } from '../../../shared/domain/tokens.js';

function connection(input: Record<string, unknown>): Connection {
  const parsed = parseConnection({
    connectionId: 'acme',
    name: 'Acme',
    baseUrl: 'https://acme.example.com',
    gatedCategories: ['password_reset'],
    ...input,
  });
  if (!parsed.ok) throw new Error(parsed.issues.join('; '));
  return parsed.connection;
}

const sysId = 'a'.repeat(32);

describe('parseDelivery', () => {
  it('takes only the ticket id from a local desk delivery', () => {
    expect(parseDelivery(connection({ type: 'local' }), { ticketId: 't1', category: 'lies' })).toEqual({
      ok: true,
      delivery: { act: true, ticketId: 't1' },
    });
  });

  it('acts on ServiceNow inserts into the connection table only', () => {
    const sn = connection({ type: 'servicenow' });
    expect(parseDelivery(sn, { table: 'incident', sys_id: sysId, operation: 'insert' })).toEqual({
      ok: true,
      delivery: { act: true, ticketId: sysId },
    });
    expect(parseDelivery(sn, { table: 'incident', sys_id: sysId, operation: 'update' })).toEqual({
      ok: true,
      delivery: { act: false, reason: 'not_a_new_ticket' },
    });
    expect(parseDelivery(sn, { table: 'change_request', sys_id: sysId })).toEqual({
      ok: true,
      delivery: { act: false, reason: 'other_table' },
    });
  });

  it('refuses a ServiceNow payload whose sys_id is not a sys_id', () => {
    const result = parseDelivery(connection({ type: 'servicenow' }), {
      table: 'incident',
      sys_id: '../admin',
    });
    expect(result.ok).toBe(false);
  });

  it('reads the configured id field of a ChangeGear ticket, numeric or string', () => {
    const cg = connection({ type: 'changegear', idField: 'ID' });
    expect(parseDelivery(cg, { ID: 4711, Summary: 'x' })).toEqual({
      ok: true,
      delivery: { act: true, ticketId: '4711' },
    });
    expect(parseDelivery(cg, { Id: 4711 })).toMatchObject({
      ok: false,
      issues: ['ID: the ticket id is missing'],
    });
    expect(parseDelivery(cg, [{ ID: 7 }])).toEqual({ ok: true, delivery: { act: true, ticketId: '7' } });
    expect(parseDelivery(cg, [])).toMatchObject({ ok: false });
    expect(parseDelivery(cg, [{ ID: 7 }, { ID: 8 }])).toMatchObject({ ok: false });
  });

  it('knows which senders sign and which send Basic credentials', () => {
    expect(inboundAuth(connection({ type: 'changegear' }))).toBe('basic');
    expect(inboundAuth(connection({ type: 'servicenow' }))).toBe('signature');
    expect(inboundAuth(connection({ type: 'local' }))).toBe('signature');
  });
});

describe('parseConnection', () => {
  it('fills the defaults an admin would otherwise look up', () => {
    expect(connection({ type: 'servicenow' })).toMatchObject({
      table: 'incident',
      verificationUrlField: 'u_verification',
      requesterEmailField: 'caller_id.email',
      workNotesFormat: 'plain',
      outboundAuth: 'basic',
      resolvedState: '6',
      linkLifetimeSeconds: 900,
      autoClose: false,
    });
  });

  it('names every problem', () => {
    const result = parseConnection({
      type: 'servicenow',
      connectionId: 'Bad Id',
      name: '',
      baseUrl: 'ftp://x/',
      gatedCategories: [],
      linkLifetimeSeconds: 5,
      password: 'no secrets here',
    });
    expect(result.ok).toBe(false);
    const issues = result.ok ? [] : result.issues.join('\n');
    for (const field of ['connectionId', 'name', 'baseUrl', 'gatedCategories', 'linkLifetimeSeconds']) {
      expect(issues).toContain(field);
    }
    expect(issues).toContain('password');
  });

  it('refuses an unknown type', () => {
    expect(parseConnection({ type: 'jira', connectionId: 'x1' }).ok).toBe(false);
  });
});

describe('verifyBasic', () => {
  const header = (value: string) => `Basic ${Buffer.from(value).toString('base64')}`;

  it('accepts any of the accepted credentials (rotation)', () => {
    expect(verifyBasic(header('cg:new-password'), ['cg:new-password', 'cg:old-password'])).toBe(true);
    expect(verifyBasic(header('cg:old-password'), ['cg:new-password', 'cg:old-password'])).toBe(true);
  });

  it('refuses wrong, missing and malformed credentials', () => {
    expect(verifyBasic(header('cg:guess'), ['cg:new-password'])).toBe(false);
    expect(verifyBasic(undefined, ['cg:new-password'])).toBe(false);
    expect(verifyBasic('Bearer abc', ['cg:new-password'])).toBe(false);
    expect(verifyBasic(header('cg:new-password'), [])).toBe(false);
  });
});

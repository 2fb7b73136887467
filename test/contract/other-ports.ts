/** The smaller ports' observable rules: tickets, connections, link tokens, counters, people, Tor list, audit. */
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../shared/domain/model/connection.js';
import { auditEvent, type ContractContext, ticketRecord, unique } from './fixtures.js';

const connection = (connectionId: string, name = 'Contract desk'): Connection => ({
  type: 'local',
  connectionId,
  name,
  baseUrl: 'https://desk.example.com',
  gatedCategories: ['password_reset'],
  autoClose: false,
  closeCode: 'Solved',
  linkLifetimeSeconds: 900,
  actionWindowSeconds: 600,
  minAnswered: 3,
});

export function otherPortsContract(c: ContractContext) {
  describe('tickets', () => {
    it('creates a ticket record once and answers the stored one after', async () => {
      const ticket = ticketRecord(c.clock);
      expect(await c.r.tickets.createTicket(ticket)).toEqual({ created: true, ticket });
      const again = await c.r.tickets.createTicket({ ...ticket, ticketNumber: 'INC0099999' });
      expect(again).toEqual({
        created: false,
        ticket: expect.objectContaining({ ticketNumber: ticket.ticketNumber }),
      });
      expect(await c.r.tickets.getTicket(ticket)).toMatchObject(ticket);
      expect(await c.r.tickets.getTicket({ ...ticket, ticketId: unique('none') })).toBeUndefined();
    });

    it('moves the link entry only from the named states', async () => {
      const ticket = ticketRecord(c.clock);
      await c.r.tickets.createTicket(ticket);
      expect(await c.r.tickets.setLinkEntry(ticket, ['writing'], 'failed')).toBe(true);
      expect(await c.r.tickets.setLinkEntry(ticket, ['writing'], 'done')).toBe(false);
      expect((await c.r.tickets.getTicket(ticket))?.linkEntry).toBe('failed');
      expect(await c.r.tickets.setLinkEntry(ticket, ['failed', 'done'], 'writing')).toBe(true);
      expect((await c.r.tickets.getTicket(ticket))?.linkEntry).toBe('writing');
    });

    it('lets exactly one of two concurrent takers of a failed entry hold it', async () => {
      const ticket = ticketRecord(c.clock, { linkEntry: 'failed' });
      await c.r.tickets.createTicket(ticket);
      const results = await Promise.all(
        [1, 2].map(() => c.r.tickets.setLinkEntry(ticket, ['failed'], 'writing')),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('connections', () => {
    it('puts, replaces and gets a connection', async () => {
      const id = unique('conn');
      expect(await c.r.connections.getConnection(id)).toBeUndefined();
      await c.r.connections.putConnection(connection(id));
      await c.r.connections.putConnection(connection(id, 'Renamed desk'));
      expect(await c.r.connections.getConnection(id)).toEqual(connection(id, 'Renamed desk'));
    });
  });

  describe('link tokens', () => {
    it('finds a saved token by its hash, and nothing for another', async () => {
      const hash = unique('hash');
      await c.r.linkTokens.saveLinkToken(hash, 'v-1', '2026-03-15T12:15:00.000Z');
      expect(await c.r.linkTokens.findLinkToken(hash)).toEqual({
        verificationId: 'v-1',
        expiresAt: '2026-03-15T12:15:00.000Z',
      });
      expect(await c.r.linkTokens.findLinkToken(unique('hash'))).toBeUndefined();
    });

    it('refuses a second token with the same hash', async () => {
      const hash = unique('hash');
      await c.r.linkTokens.saveLinkToken(hash, 'v-1', '2026-03-15T12:15:00.000Z');
      await expect(c.r.linkTokens.saveLinkToken(hash, 'v-2', '2026-03-15T12:30:00.000Z')).rejects.toThrow();
      expect((await c.r.linkTokens.findLinkToken(hash))?.verificationId).toBe('v-1');
    });
  });

  describe('abuse counters', () => {
    it('counts attempts per key in fixed windows that start again', async () => {
      const key = unique('src');
      expect(await c.r.counters.countAttempt(key, 60)).toBe(1);
      expect(await c.r.counters.countAttempt(key, 60)).toBe(2);
      c.clock.advance(59_000);
      expect(await c.r.counters.countAttempt(key, 60)).toBe(3);
      expect(await c.r.counters.countAttempt(unique('src'), 60)).toBe(1);
      c.clock.advance(1_000);
      expect(await c.r.counters.countAttempt(key, 60)).toBe(1);
    });

    it('refuses a replayed delivery until it is released or its claim runs out', async () => {
      const signature = unique('sig');
      expect(await c.r.counters.claimDelivery(signature, 600)).toBe(true);
      expect(await c.r.counters.claimDelivery(signature, 600)).toBe(false);
      await c.r.counters.releaseDelivery(signature);
      expect(await c.r.counters.claimDelivery(signature, 600)).toBe(true);
      c.clock.advance(600_000);
      expect(await c.r.counters.claimDelivery(signature, 600)).toBe(false);
      c.clock.advance(1_000);
      expect(await c.r.counters.claimDelivery(signature, 600)).toBe(true);
    });
  });

  describe('people', () => {
    it('remembers a device per person until forgotten or expired', async () => {
      const user = unique('u');
      expect(await c.r.people.isKnownDevice(user, 'dev-a')).toBe(false);
      await c.r.people.rememberDevice(user, 'dev-a');
      expect(await c.r.people.isKnownDevice(user, 'dev-a')).toBe(true);
      expect(await c.r.people.isKnownDevice(user, 'dev-b')).toBe(false);
      expect(await c.r.people.isKnownDevice(unique('u'), 'dev-a')).toBe(false);
      await c.r.people.forgetDevice(user, 'dev-a');
      expect(await c.r.people.isKnownDevice(user, 'dev-a')).toBe(false);
      await c.r.people.rememberDevice(user, 'dev-c');
      c.clock.advance(179 * 86_400_000);
      expect(await c.r.people.isKnownDevice(user, 'dev-c')).toBe(true);
      c.clock.advance(2 * 86_400_000);
      expect(await c.r.people.isKnownDevice(user, 'dev-c')).toBe(false);
    });

    it('keeps the latest sighting of a person', async () => {
      const user = unique('u');
      expect(await c.r.people.lastSighting(user)).toBeUndefined();
      await c.r.people.recordSighting(user, { country: 'PT', at: '2026-03-15T11:00:00.000Z' });
      await c.r.people.recordSighting(user, { country: 'ES', at: '2026-03-15T12:00:00.000Z' });
      expect(await c.r.people.lastSighting(user)).toEqual({ country: 'ES', at: '2026-03-15T12:00:00.000Z' });
    });
  });

  describe('Tor exits', () => {
    it('replaces the list whole', async () => {
      await c.r.torExits.putTorExits({
        addresses: ['192.0.2.1', '2001:db8::1'],
        fetchedAt: '2026-03-15T00:00:00.000Z',
      });
      expect(await c.r.torExits.getTorExits()).toEqual({
        addresses: ['192.0.2.1', '2001:db8::1'],
        fetchedAt: '2026-03-15T00:00:00.000Z',
      });
      await c.r.torExits.putTorExits({ addresses: [], fetchedAt: '2026-03-15T06:00:00.000Z' });
      expect(await c.r.torExits.getTorExits()).toEqual({
        addresses: [],
        fetchedAt: '2026-03-15T06:00:00.000Z',
      });
    });
  });

  describe('audit log', () => {
    it('lists a verification events in time order, and only its own', async () => {
      const id = unique('v');
      const at = (s: number) => ({
        ...auditEvent(c.clock, `step.${s}`, id),
        at: `2026-03-15T12:00:0${s}.000Z`,
      });
      await c.r.audit.appendAudit(at(2));
      await c.r.audit.appendAudit(at(1));
      await c.r.audit.appendAudit({ ...at(3), details: { outcome: 'passed', score: 0 } });
      await c.r.audit.appendAudit(auditEvent(c.clock, 'other', unique('v')));
      const listed = await c.r.audit.listAudit(id);
      expect(listed.map((e) => e.action)).toEqual(['step.1', 'step.2', 'step.3']);
      expect(listed[2]).toMatchObject({
        verificationId: id,
        actor: 'contract',
        details: { outcome: 'passed', score: 0 },
      });
      expect(await c.r.audit.listAudit(unique('v'))).toEqual([]);
    });
  });
}

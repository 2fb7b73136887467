/** Small hand-made fixtures shared by the unit tests. Every helper returns a fresh object. */
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { EndpointContext } from '../../shared/domain/endpoint-signals.js';
import type { ClientSignals } from '../../shared/domain/model/client-signals.js';
import type { DirectoryUser } from '../../shared/domain/model/person.js';
import type { Assessment, Verification } from '../../shared/domain/model/verification.js';

export const REPO_ROOT = new URL('../../', import.meta.url);

export function directoryUser(overrides: Partial<DirectoryUser> = {}): DirectoryUser {
  return {
    userId: 'u001',
    displayName: 'Zoë Martín',
    givenName: 'Zoë',
    email: 'zoe.martin@example.com',
    mobilePhone: '+14155550100',
    department: 'Finance',
    title: 'Specialist',
    office: 'Lisbon',
    country: 'PT',
    managerId: 'u008',
    startDate: '2019-03-01',
    privileged: false,
    enabled: true,
    ...overrides,
  };
}

export function passedAssessment(overrides: Partial<Assessment> = {}): Assessment {
  return {
    riskScore: 0,
    riskLevel: 'verified',
    reasons: [
      {
        code: 'CONTACT_ON_RECORD',
        category: 'persona',
        points: 0,
        evidence: 'link sent to the directory contact',
        message: 'The link was sent to the contact on record',
      },
    ],
    recommendation: 'User verified successfully - proceed with the action',
    answered: 4,
    correct: 4,
    ...overrides,
  };
}

export function verification(overrides: Partial<Verification> = {}): Verification {
  return {
    verificationId: '01JD7Z8Q4V3M2K1N0P9R8S7T6U',
    ticket: { connectionId: 'local-desk', ticketId: 'tk-1001' },
    ticketNumber: 'INC0010001',
    category: 'password_reset',
    requesterId: 'u001',
    requesterName: 'Zoë Martín',
    channel: 'email',
    destination: 'zoe.martin@example.com',
    destinationMasked: 'z***@example.com',
    destinationIsContactOnRecord: true,
    requestedAction: 'password_reset',
    agent: 'alice',
    status: 'passed',
    createdAt: '2025-01-01T10:00:00.000Z',
    updatedAt: '2025-01-01T10:05:00.000Z',
    linkExpiresAt: '2025-01-01T10:15:00.000Z',
    assessment: passedAssessment(),
    completedAt: '2025-01-01T10:05:00.000Z',
    writeBack: { state: 'pending' },
    action: { state: 'pending' },
    expiresAtEpoch: 1767261600,
    ...overrides,
  };
}

const eventCache = new Map<string, APIGatewayProxyEventV2>();

/** An API Gateway v2 event from test/events/apigw, cloned so a test may mutate it freely. */
export function apigwEvent(name: string): APIGatewayProxyEventV2 {
  let event = eventCache.get(name);
  if (!event) {
    const url = new URL(`test/events/apigw/${name}.json`, REPO_ROOT);
    event = JSON.parse(readFileSync(url, 'utf8')) as APIGatewayProxyEventV2;
    eventCache.set(name, event);
  }
  return structuredClone(event);
}

export const CHROME_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** Where a Lisbon person's browser connects from, as endpointSignals sees it. */
export const endpointContext = (overrides: Partial<EndpointContext> = {}): EndpointContext => ({
  userAgent: CHROME_MAC,
  ipCountry: 'PT',
  profileCountry: 'PT',
  knownDevice: false,
  secondDevice: false,
  ...overrides,
});

/** What a Lisbon person's page reports. */
export const genuineClient: ClientSignals = {
  webdriver: false,
  timeZone: 'Europe/Lisbon',
  languages: ['pt-PT', 'en'],
  clientHints: { platform: 'macOS', mobile: false },
};

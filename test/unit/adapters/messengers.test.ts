import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsMessenger, OutboxMessenger } from '../../../shared/adapters/messengers.js';
import type { Message } from '../../../shared/ports/messenger.js';

const sesMock = mockClient(SESv2Client);
const snsMock = mockClient(SNSClient);

const email: Message = {
  channel: 'email',
  to: 'zoe.martin@example.com',
  subject: 'Verify your identity for INC0010001',
  text: 'Open https://verify.example.com/v#token to verify your identity.',
  verificationId: '01JD7Z8Q4V3M2K1N0P9R8S7T6U',
};
const sms: Message = { ...email, channel: 'sms', to: '+14155550100' };

/** An SDK service exception as the v3 clients throw them. */
const serviceError = (name: string, httpStatusCode: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} from the service`), { name, $metadata: { httpStatusCode }, ...extra });

describe('AwsMessenger', () => {
  const messenger = new AwsMessenger(
    new SESv2Client({ region: 'eu-west-1' }),
    new SNSClient({ region: 'eu-west-1' }),
    'verify@example.com',
  );

  beforeEach(() => {
    sesMock.reset();
    snsMock.reset();
  });

  it('sends email through SES with From, To, Subject and Body', async () => {
    // Prepare
    sesMock.on(SendEmailCommand).resolves({ MessageId: 'm-1' });

    // Act
    await messenger.send(email);

    // Assess
    expect(sesMock).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    expect(sesMock).toHaveReceivedCommandWith(SendEmailCommand, {
      FromEmailAddress: 'verify@example.com',
      Destination: { ToAddresses: ['zoe.martin@example.com'] },
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: email.text, Charset: 'UTF-8' } },
        },
      },
    });
    expect(snsMock).not.toHaveReceivedCommand(PublishCommand);
  });

  it('sends SMS through SNS as a transactional message to the phone number', async () => {
    // Prepare
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-2' });

    // Act
    await messenger.send(sms);

    // Assess
    expect(snsMock).toHaveReceivedCommandWith(PublishCommand, {
      PhoneNumber: '+14155550100',
      Message: sms.text,
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
      },
    });
    expect(sesMock).not.toHaveReceivedCommand(SendEmailCommand);
  });

  it('adds the sender ID to SMS when configured', async () => {
    // Prepare
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-3' });
    const withSender = new AwsMessenger(
      new SESv2Client({ region: 'eu-west-1' }),
      new SNSClient({ region: 'eu-west-1' }),
      'verify@example.com',
      'HVERIFY',
    );

    // Act
    await withSender.send(sms);

    // Assess
    const attributes = snsMock.commandCalls(PublishCommand)[0]?.args[0].input.MessageAttributes;
    expect(attributes?.['AWS.SNS.SMS.SenderID']).toEqual({ DataType: 'String', StringValue: 'HVERIFY' });
    expect(attributes?.['AWS.SNS.SMS.SMSType']?.StringValue).toBe('Transactional');
  });

  it('turns SES throttling into MessengerRetryableError', async () => {
    // Prepare
    sesMock.on(SendEmailCommand).rejects(serviceError('TooManyRequestsException', 429));

    // Act
    const error = await messenger.send(email).then(
      () => undefined,
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('MessengerRetryableError');
    expect((error as Error).message).toContain('TooManyRequestsException');
  });

  it('turns a throttling name without a status into MessengerRetryableError', async () => {
    // Prepare
    snsMock
      .on(PublishCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    // Act / Assess
    await expect(messenger.send(sms)).rejects.toMatchObject({ name: 'MessengerRetryableError' });
  });

  it('turns an SNS service fault (500) into MessengerRetryableError', async () => {
    // Prepare
    snsMock.on(PublishCommand).rejects(serviceError('InternalErrorException', 500));

    // Act / Assess
    await expect(messenger.send(sms)).rejects.toMatchObject({ name: 'MessengerRetryableError' });
  });

  it('does not leak the destination into the retryable error', async () => {
    // Prepare
    sesMock
      .on(SendEmailCommand)
      .rejects(
        serviceError('TooManyRequestsException', 429, { message: 'zoe.martin@example.com throttled' }),
      );

    // Act / Assess
    await expect(messenger.send(email)).rejects.toSatisfy(
      (e: Error) => e.name === 'MessengerRetryableError' && !e.message.includes('zoe.martin'),
    );
  });

  it('lets a validation error (400) through unchanged', async () => {
    // Prepare
    const invalid = serviceError('BadRequestException', 400);
    sesMock.on(SendEmailCommand).rejects(invalid);

    // Act
    const error = await messenger.send(email).then(
      () => undefined,
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBe(invalid);
    expect((error as Error).name).toBe('BadRequestException');
  });

  it('lets an SNS invalid parameter error through unchanged', async () => {
    // Prepare
    snsMock.on(PublishCommand).rejects(serviceError('InvalidParameterException', 400));

    // Act / Assess
    await expect(messenger.send(sms)).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});

describe('OutboxMessenger', () => {
  let dir: string;

  beforeEach(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'hv-outbox-')), 'outbox');
  });

  afterEach(async () => {
    await rm(join(dir, '..'), { recursive: true, force: true });
  });

  it('writes one JSON file per message, creating the folder', async () => {
    // Prepare
    const outbox = new OutboxMessenger(dir);

    // Act
    await outbox.send(email);
    await outbox.send(sms);

    // Assess
    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(2);
    for (const file of files) expect(file).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}\.json$/);
    const written = await Promise.all(
      files.map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8')) as Record<string, unknown>),
    );
    expect(written.map((w) => w.channel).sort()).toEqual(['email', 'sms']);
    const mail = written.find((w) => w.channel === 'email');
    expect(mail).toMatchObject(email);
    expect(files).toContain(`${String(mail?.id)}.json`);
    expect(Number.isNaN(Date.parse(String(mail?.sentAt)))).toBe(false);
  });
});

/**
 * Messenger adapters: SES (email) and SNS (SMS) in AWS, an outbox folder locally (the dev inbox
 * page reads it). Throttling and service faults become MessengerRetryableError for the ASL Retry.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { ulid } from 'ulid';
import { MessengerRetryableError } from '../domain/errors.js';
import type { Message, Messenger } from '../ports/messenger.js';

function retryable(error: unknown): boolean {
  const e = error as { name?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode ?? 0;
  return (
    Boolean(e.$retryable) || status >= 500 || status === 429 || /Throttl|TooManyRequests/.test(e.name ?? '')
  );
}

async function classify<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (retryable(error))
      throw new MessengerRetryableError(`Message service unavailable: ${(error as Error).name}`);
    throw error;
  }
}

export class AwsMessenger implements Messenger {
  constructor(
    private readonly ses: SESv2Client,
    private readonly sns: SNSClient,
    private readonly fromAddress: string,
    private readonly smsSenderId?: string,
  ) {}

  async send(message: Message): Promise<void> {
    if (message.channel === 'email') {
      await classify(() =>
        this.ses.send(
          new SendEmailCommand({
            FromEmailAddress: this.fromAddress,
            Destination: { ToAddresses: [message.to] },
            Content: {
              Simple: {
                Subject: { Data: message.subject, Charset: 'UTF-8' },
                Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
              },
            },
          }),
        ),
      );
      return;
    }
    await classify(() =>
      this.sns.send(
        new PublishCommand({
          PhoneNumber: message.to,
          Message: message.text,
          MessageAttributes: {
            'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
            ...(this.smsSenderId
              ? { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: this.smsSenderId } }
              : {}),
          },
        }),
      ),
    );
  }
}

/** Writes each message as a JSON file; the local stack's dev inbox lists them. */
export class OutboxMessenger implements Messenger {
  constructor(private readonly dir: string) {}

  async send(message: Message): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const id = ulid();
    await writeFile(
      join(this.dir, `${id}.json`),
      JSON.stringify({ id, sentAt: new Date().toISOString(), ...message }),
    );
  }
}

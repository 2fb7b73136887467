/**
 * Export files. In AWS: S3, written as a multipart upload one part at a time (memory stays at one
 * part whatever the size of the export), downloaded through a short-lived presigned URL. Locally:
 * a directory the local gateway serves under /_local/exports/, with an HMAC-signed, expiring URL.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ExportFiles } from '../ports/export-files.js';

/** S3's minimum part size (except the last part). */
export const PART_BYTES = 5 * 1024 * 1024;

const fileName = (key: string) => key.split('/').pop() ?? 'export.csv';

export class S3ExportFiles implements ExportFiles {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async write(key: string, chunks: AsyncIterable<string>): Promise<void> {
    const { UploadId } = await this.s3.send(
      new CreateMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        ContentType: 'text/csv; charset=utf-8',
      }),
    );
    const parts: { ETag?: string; PartNumber: number }[] = [];
    let pending: Buffer[] = [];
    let size = 0;
    const flush = async () => {
      const PartNumber = parts.length + 1;
      const out = await this.s3.send(
        new UploadPartCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId,
          PartNumber,
          Body: Buffer.concat(pending),
        }),
      );
      parts.push({ ETag: out.ETag, PartNumber });
      pending = [];
      size = 0;
    };
    try {
      for await (const chunk of chunks) {
        const buffer = Buffer.from(chunk, 'utf8');
        pending.push(buffer);
        size += buffer.length;
        if (size >= PART_BYTES) await flush();
      }
      if (size > 0 || parts.length === 0) await flush();
      await this.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
    } catch (error) {
      await this.s3
        .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId }))
        .catch(() => undefined);
      throw error;
    }
  }

  downloadUrl(key: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentDisposition: `attachment; filename="${fileName(key)}"`,
      }),
      { expiresIn: expiresInSeconds },
    );
  }
}

/** The signature of a local download link: HMAC-SHA256 over the key and the expiry. */
export function signLocalDownload(key: string, expires: number, signingKey: string): string {
  return createHmac('sha256', signingKey).update(`${key}\n${expires}`).digest('base64url');
}

export function verifyLocalDownload(
  key: string,
  expires: number,
  signature: string,
  signingKey: string,
  now = Date.now(),
): boolean {
  if (!Number.isFinite(expires) || expires * 1000 < now) return false;
  const expected = Buffer.from(signLocalDownload(key, expires, signingKey));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * Export keys are `exports/<ulid>/<name>.csv` (the name says what the file holds; older jobs:
 * `exports/<ulid>.csv`): nothing else is ever served.
 */
export const EXPORT_KEY = /^exports\/[0-9A-HJKMNP-TV-Z]{26}(\/[a-z0-9_-]{1,200})?\.csv$/;

export class LocalExportFiles implements ExportFiles {
  constructor(
    private readonly dir: string,
    private readonly baseUrl: string,
    private readonly signingKey: string,
  ) {}

  async write(key: string, chunks: AsyncIterable<string>): Promise<void> {
    if (!EXPORT_KEY.test(key)) throw new Error(`Not an export key: ${key}`);
    const path = join(this.dir, key);
    await mkdir(dirname(path), { recursive: true });
    await pipeline(Readable.from(chunks), createWriteStream(path));
  }

  async downloadUrl(key: string, expiresInSeconds: number): Promise<string> {
    const expires = Math.floor(Date.now() / 1000) + expiresInSeconds;
    const signature = signLocalDownload(key, expires, this.signingKey);
    return `${this.baseUrl}/_local/${key}?expires=${expires}&signature=${signature}`;
  }
}

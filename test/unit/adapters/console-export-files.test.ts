import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  PART_BYTES,
  S3ExportFiles,
  signLocalDownload,
  verifyLocalDownload,
} from '../../../shared/adapters/export-files.js';

const s3Mock = mockClient(S3Client);
const KEY = 'exports/01JD7Z8Q4V3M2K1N0P9R8S7T6U.csv';

async function* chunks(count: number, size: number) {
  for (let i = 0; i < count; i++) yield 'x'.repeat(size);
}

describe('S3ExportFiles', () => {
  const files = new S3ExportFiles(
    new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
    'exports-bucket',
  );

  beforeEach(() => {
    s3Mock.reset();
    s3Mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'up-1' });
    s3Mock
      .on(UploadPartCommand)
      .callsFake((input: { PartNumber: number }) => ({ ETag: `"etag-${input.PartNumber}"` }));
    s3Mock.on(CompleteMultipartUploadCommand).resolves({});
  });

  it('uploads in parts of at least 5 MiB as the chunks arrive, then completes the upload', async () => {
    // Prepare: 12 MiB in 1 MiB chunks
    const mib = 1024 * 1024;

    // Act
    await files.write(KEY, chunks(12, mib));

    // Assess
    const parts = s3Mock.commandCalls(UploadPartCommand).map((c) => c.args[0].input);
    expect(parts.map((p) => p.PartNumber)).toEqual([1, 2, 3]);
    expect(parts.map((p) => (p.Body as Buffer).length)).toEqual([PART_BYTES, PART_BYTES, 2 * mib]);
    expect(s3Mock).toHaveReceivedCommandWith(CreateMultipartUploadCommand, {
      Bucket: 'exports-bucket',
      Key: KEY,
      ContentType: 'text/csv; charset=utf-8',
    });
    expect(s3Mock).toHaveReceivedCommandWith(CompleteMultipartUploadCommand, {
      UploadId: 'up-1',
      MultipartUpload: {
        Parts: [
          { ETag: '"etag-1"', PartNumber: 1 },
          { ETag: '"etag-2"', PartNumber: 2 },
          { ETag: '"etag-3"', PartNumber: 3 },
        ],
      },
    });
  });

  it('uploads an empty export as one empty part', async () => {
    await files.write(KEY, chunks(0, 0));
    expect(s3Mock).toHaveReceivedCommandTimes(UploadPartCommand, 1);
    expect(s3Mock).toHaveReceivedCommandTimes(CompleteMultipartUploadCommand, 1);
  });

  it('aborts the upload when a part fails, and rethrows', async () => {
    // Prepare
    s3Mock.on(UploadPartCommand).rejects(new Error('SlowDown'));
    s3Mock.on(AbortMultipartUploadCommand).resolves({});

    // Act / Assess
    await expect(files.write(KEY, chunks(6, 1024 * 1024))).rejects.toThrow('SlowDown');
    expect(s3Mock).toHaveReceivedCommandWith(AbortMultipartUploadCommand, { UploadId: 'up-1', Key: KEY });
    expect(s3Mock).not.toHaveReceivedCommand(CompleteMultipartUploadCommand);
  });

  it('presigns a short-lived download that saves as an attachment', async () => {
    const url = new URL(await files.downloadUrl(KEY, 900));
    expect(url.hostname).toBe('exports-bucket.s3.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe(`/${KEY}`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('response-content-disposition')).toBe(
      'attachment; filename="01JD7Z8Q4V3M2K1N0P9R8S7T6U.csv"',
    );
  });
});

describe('local download links', () => {
  const key = 'k'.repeat(32);

  it('verify only with the same key, file and expiry, before the expiry', () => {
    const expires = Math.floor(Date.now() / 1000) + 60;
    const signature = signLocalDownload(KEY, expires, key);
    expect(verifyLocalDownload(KEY, expires, signature, key)).toBe(true);
    expect(verifyLocalDownload(KEY, expires + 1, signature, key)).toBe(false);
    expect(verifyLocalDownload('exports/other.csv', expires, signature, key)).toBe(false);
    expect(verifyLocalDownload(KEY, expires, signature, 'o'.repeat(32))).toBe(false);
    expect(verifyLocalDownload(KEY, expires, signature, key, (expires + 1) * 1000)).toBe(false);
  });
});

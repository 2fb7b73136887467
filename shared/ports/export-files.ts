/** Export files: S3 with presigned URLs in AWS, a directory served by the local gateway locally. */
export interface ExportFiles {
  /** Writes the chunks as one file, holding at most one upload part in memory. */
  write(key: string, chunks: AsyncIterable<string>): Promise<void>;
  downloadUrl(key: string, expiresInSeconds: number): Promise<string>;
}

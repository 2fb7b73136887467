/** POST /api/exports and GET /api/exports/{exportId}: the verifications table as a CSV file. */

import * as z from '../zod.js';
import { type Filters, filtersSchema } from './verifications.js';

/** POST /api/exports: the filtered (or, with no filters, full) verifications table as CSV. */
export const exportBodySchema = z.strictObject({ filters: z.optional(filtersSchema) });

type ExportStatus = 'queued' | 'running' | 'done' | 'failed';

/** POST /api/exports (202) and GET /api/exports/{exportId}: poll until done or failed. */
export interface ExportJob {
  exportId: string;
  status: ExportStatus;
  requestedBy: string;
  requestedAt: string;
  filters: Filters;
  rowCount?: number;
  completedAt?: string;
  /** Presigned (AWS) or signed local URL; present when done, fresh on every GET. */
  downloadUrl?: string;
  downloadExpiresAt?: string;
  error?: string;
}

import * as z from '@millrace/plugin-api/zod';
import { SafeIdSchema, WORK_DOCUMENT_KINDS } from './documents.js';

export const QUEUE_STATES = ['queue', 'active', 'done', 'blocked', 'incoming', 'resolved'] as const;
export const QueueStateSchema = z.enum(QUEUE_STATES);
export type QueueState = z.infer<typeof QueueStateSchema>;

/**
 * The intent record written before a queue move and removed after it (docs/documents.md, "Crash-safe moves").
 * `destination_sha256` is the content the destination will hold; repair rolls the move forward only when the
 * destination exists with exactly that content, and back otherwise.
 */
export const QueueMoveIntentSchema = z.strictObject({
  schema_version: z.literal('1.0'),
  kind: z.enum(WORK_DOCUMENT_KINDS),
  id: SafeIdSchema,
  from: QueueStateSchema,
  to: QueueStateSchema,
  source: z.string().min(1),
  destination: z.string().min(1),
  temp: z.string().min(1).nullable(),
  destination_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  started_at: z.string(),
});
export type QueueMoveIntent = z.infer<typeof QueueMoveIntentSchema>;

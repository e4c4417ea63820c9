import { PlaneSchema, RunnerActivityKindSchema, TokenUsageSchema } from '@millrace/plugin-api';
import * as z from '@millrace/plugin-api/zod';

/**
 * `runs/<run_id>/live_activity.json`: what the stage running now last did and its usage so far, as the runner reports
 * it. Written by the runtime only (at most once a second while activity arrives), read by `status`; it stays in the
 * run directory afterwards as the run's last activity. Totals never come from it: the usage ledger holds those.
 */
export const LiveActivitySchema = z.strictObject({
  schema_version: z.literal('1.0'),
  kind: z.literal('live_activity'),
  run_id: z.string().min(1),
  request_id: z.string().min(1),
  plane: PlaneSchema,
  stage: z.string().min(1),
  work_item_id: z.string().nullable(),
  last_activity_at: z.iso.datetime({ offset: true }),
  last_activity_kind: RunnerActivityKindSchema,
  last_activity: z.string(),
  /** The runner's cumulative usage for this stage so far; null until it reports one. */
  token_usage: TokenUsageSchema.nullable(),
});
export type LiveActivity = z.infer<typeof LiveActivitySchema>;

import { PlaneSchema, TokenUsageSchema } from '@millrace/plugin-api';
import * as z from '@millrace/plugin-api/zod';

/**
 * One line of `state/usage_ledger.jsonl`: what one stage run consumed. Appended by the runtime only, after the stage's
 * result is written; every usage total (status, `millrace usage`, budgets) is derived from these lines.
 */
export const UsageRecordSchema = z.strictObject({
  schema_version: z.literal('1.0'),
  kind: z.literal('usage_record'),
  recorded_at: z.iso.datetime({ offset: true }),
  started_at: z.iso.datetime({ offset: true }),
  duration_seconds: z.number().min(0),
  run_id: z.string().min(1),
  request_id: z.string().min(1),
  plane: PlaneSchema,
  stage: z.string().min(1),
  work_item_kind: z.string().nullable(),
  work_item_id: z.string().nullable(),
  runner_name: z.string().nullable(),
  model_name: z.string().nullable(),
  terminal_result: z.string().nullable(),
  failure_class: z.string().nullable(),
  token_usage: TokenUsageSchema.nullable(),
  cost_usd: z.number().min(0).nullable(),
  /** `harness`: the runner reported the cost; `price_table`: priced from config `usage_prices`; null: unknown. */
  cost_source: z.enum(['harness', 'price_table']).nullable(),
  /** The execution lane that ran the stage (docs/parallel.md); absent in the serial runtime. */
  lane: z.number().int().min(1).optional(),
});
export type UsageRecord = z.infer<typeof UsageRecordSchema>;

/** `[usage_prices."<model>"]`: USD per million tokens. Cached input defaults to the input price. */
export const ModelPriceSchema = z.strictObject({
  input_usd_per_mtok: z.number().min(0),
  cached_input_usd_per_mtok: z.number().min(0).optional(),
  output_usd_per_mtok: z.number().min(0),
});
export type ModelPrice = z.infer<typeof ModelPriceSchema>;
export const UsagePricesSchema = z.record(z.string().min(1), ModelPriceSchema);
export type UsagePrices = z.infer<typeof UsagePricesSchema>;

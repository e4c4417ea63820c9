import type { RunnerRawResult } from '@millrace/plugin-api';
import type { StageResultEnvelope } from '../../contracts/runtime-state.js';
import type { UsagePrices, UsageRecord } from '../../contracts/usage.js';

/** Pure: USD for a usage at a model's configured price; null when the usage or the model's price is unknown. */
export function priceUsage(usage: RunnerRawResult['token_usage'], model: string | null, prices: UsagePrices): number | null {
  if (!usage || !model) return null;
  const price = prices[model];
  if (!price) return null;
  const cached = Math.min(usage.cached_input_tokens, usage.input_tokens);
  const usd = ((usage.input_tokens - cached) * price.input_usd_per_mtok + cached * (price.cached_input_usd_per_mtok ?? price.input_usd_per_mtok) + usage.output_tokens * price.output_usd_per_mtok) / 1_000_000;
  return Math.round(usd * 1e6) / 1e6;
}

/** Pure: the ledger line for one finished stage run (`lane` when an execution lane ran it). The harness's own cost wins over the price table. */
export function buildUsageRecord(result: StageResultEnvelope, raw: RunnerRawResult, prices: UsagePrices, now: Date, lane: number | null = null): UsageRecord {
  const closure = result.metadata.request_kind === 'closure_target';
  const harnessCost = typeof raw.cost_usd === 'number' ? raw.cost_usd : null;
  const tableCost = harnessCost === null ? priceUsage(result.token_usage, result.model_name, prices) : null;
  return {
    schema_version: '1.0',
    kind: 'usage_record',
    recorded_at: now.toISOString(),
    started_at: result.started_at,
    duration_seconds: result.duration_seconds,
    run_id: result.run_id,
    request_id: String(result.metadata.request_id ?? raw.request_id),
    plane: result.plane,
    stage: result.stage,
    work_item_kind: closure ? null : result.work_item_kind,
    work_item_id: closure ? String(result.metadata.closure_target_root_spec_id ?? result.work_item_id) : result.work_item_id,
    runner_name: result.runner_name,
    model_name: result.model_name,
    terminal_result: result.terminal_result,
    failure_class: (result.metadata.failure_class as string | null | undefined) ?? null,
    token_usage: result.token_usage,
    cost_usd: harnessCost ?? tableCost,
    cost_source: harnessCost !== null ? 'harness' : tableCost !== null ? 'price_table' : null,
    ...(lane !== null ? { lane } : {}),
  };
}

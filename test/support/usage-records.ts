import type { UsageRecord } from '../../src/contracts/usage.js';

/**
 * A usage ledger record: by default an execution builder run of `task-a` through the command runner that finished with
 * BUILDER_COMPLETE, unpriced, its `tokens` all input. `fields` overrides any of it.
 */
export function usageRecord(at: string, tokens: number, fields: Partial<UsageRecord> = {}): UsageRecord {
  return {
    schema_version: '1.0',
    kind: 'usage_record',
    recorded_at: at,
    started_at: at,
    duration_seconds: 1,
    run_id: `run-${at}`,
    request_id: `request-${at}`,
    plane: 'execution',
    stage: 'builder',
    work_item_kind: 'task',
    work_item_id: 'task-a',
    runner_name: 'command',
    model_name: null,
    terminal_result: 'BUILDER_COMPLETE',
    failure_class: null,
    token_usage: { input_tokens: tokens, cached_input_tokens: 0, cache_write_input_tokens: 0, output_tokens: 0, thinking_tokens: 0, total_tokens: tokens },
    cost_usd: null,
    cost_source: null,
    ...fields,
  };
}

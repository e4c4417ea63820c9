import type { UsageRecord } from '../../../src/contracts/usage.js';
import { summarizeUsage, usageOverview } from '../../../src/views/usage.js';
import { usageRecord } from '../../support/usage-records.js';

const record = (at: string, stage: string, item: string | null, total: number | null, cost: number | null): UsageRecord =>
  usageRecord(at, 0, {
    run_id: `run-${at}`,
    request_id: `req-${at}`,
    stage,
    work_item_kind: item ? 'task' : null,
    work_item_id: item,
    runner_name: 'codex',
    model_name: 'm',
    terminal_result: 'X',
    token_usage: total === null ? null : { input_tokens: total - 10, cached_input_tokens: 0, cache_write_input_tokens: 0, output_tokens: 10, thinking_tokens: 0, total_tokens: total },
    cost_usd: cost,
    cost_source: cost === null ? null : 'harness',
  });

describe('usage overview (the dashboard Usage page)', () => {
  it('groups the ledger exactly like `millrace usage --by stage|item|day`, with one point per record in time order', () => {
    const records = [
      record('2026-12-02T09:00:00Z', 'builder', 't2', 200, 0.25),
      record('2026-12-01T10:00:00Z', 'builder', 't1', 100, 0.5),
      record('2026-12-01T11:00:00Z', 'checker', 't1', 50, null),
      record('2026-12-02T09:30:00Z', 'updater', 't2', null, null),
    ];
    const view = usageOverview(records);
    expect(view.total).toEqual(summarizeUsage(records, 'stage', null).total);
    expect(view.total).toMatchObject({ runs: 4, total_tokens: 350, cost_usd: 0.75, unpriced_runs: 2 });
    expect(view.by_stage).toEqual(summarizeUsage(records, 'stage', null).rows);
    expect(view.by_stage.map((r) => [r.key, r.total_tokens, r.cost_usd])).toEqual([['execution/builder', 300, 0.75], ['execution/checker', 50, 0], ['execution/updater', 0, 0]]);
    expect(view.by_item.map((r) => [r.key, r.total_tokens])).toEqual([['task:t1', 150], ['task:t2', 200]].sort((a, b) => (b[1] as number) - (a[1] as number)));
    expect(view.by_day.map((r) => [r.key, r.total_tokens])).toEqual([['2026-12-01', 150], ['2026-12-02', 200]]);
    expect(view.points.map((p) => [p.recorded_at.slice(0, 16), p.total_tokens, p.cost_usd])).toEqual([
      ['2026-12-01T10:00', 100, 0.5],
      ['2026-12-01T11:00', 50, null],
      ['2026-12-02T09:00', 200, 0.25],
      ['2026-12-02T09:30', 0, null],
    ]);
  });
});

import type { HostRunInspection, HostStageResult } from '@millrace/plugin-api';
import { buildUsageView } from '../../src/server/usage.js';
import { ViewCache } from '../../src/server/view-cache.js';

const usage = (total: number) => ({ input_tokens: total - 10, cached_input_tokens: 0, output_tokens: 10, thinking_tokens: 0, total_tokens: total });
const stage = (s: string, item: string, at: string, total: number | null, cost: number | null = null): HostStageResult =>
  ({ stage: s, node_id: s, terminal_result: 'X', result_class: 'success', work_item_id: item, started_at: at, completed_at: at, duration_seconds: 1, token_usage: total === null ? null : usage(total), cost_usd: cost });
const run = (id: string, results: HostStageResult[]): HostRunInspection =>
  ({ run_id: id, status: 'valid', work_item_kind: 'task', work_item_id: results[0]?.work_item_id ?? null, started_at: null, completed_at: null, stage_results: results, token_usage: results.some((r) => r.token_usage) ? usage(1) : null });

describe('usage view', () => {
  it('sums tokens and priced cost overall, by day, stage and item; unpriced and usage-less results add nothing', () => {
    const view = buildUsageView([
      run('run-a', [stage('builder', 't1', '2026-12-01T10:00:00Z', 100, 0.5), stage('checker', 't1', '2026-12-01T11:00:00Z', 50)]),
      run('run-b', [stage('builder', 't2', '2026-12-02T09:00:00Z', 200, 0.25), stage('updater', 't2', '2026-12-02T09:30:00Z', null)]),
    ]);
    expect(view.totals).toMatchObject({ runs: 2, stages: 3, total_tokens: 350, output_tokens: 30, cost_usd: 0.75 });
    expect(view.by_stage.map((r) => [r.key, r.total_tokens, r.cost_usd])).toEqual([['builder', 300, 0.75], ['checker', 50, null]]);
    expect(view.by_day.map((r) => [r.key, r.total_tokens])).toEqual([['2026-12-01', 150], ['2026-12-02', 200]]);
    expect(view.by_item.map((r) => r.key)).toEqual(['t2', 't1']);
    expect(view.points.map((p) => p.total_tokens)).toEqual([100, 50, 200]);
  });
});

describe('view cache', () => {
  it('shares one computation, keeps it until a notice of a topic it reads, and never keeps a failure', async () => {
    const cache = new ViewCache(60_000);
    let computed = 0;
    const compute = async () => ++computed;
    await expect(Promise.all([cache.get(0, 'status', ['state', 'queue'], compute), cache.get(0, 'status', ['state', 'queue'], compute)])).resolves.toEqual([1, 1]);
    cache.invalidate({ workspace: 0, topics: ['runs'] });
    cache.invalidate({ workspace: 1, topics: ['queue'] });
    await expect(cache.get(0, 'status', ['state', 'queue'], compute)).resolves.toBe(1);
    cache.invalidate({ workspace: 0, topics: ['queue'] });
    await expect(cache.get(0, 'status', ['state', 'queue'], compute)).resolves.toBe(2);
    await expect(cache.get(0, 'broken', ['state'], () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await new Promise((r) => setImmediate(r));
    await expect(cache.get(0, 'broken', ['state'], compute)).resolves.toBe(3);
  });

  it('recomputes after its maximum age', async () => {
    const cache = new ViewCache(0);
    let computed = 0;
    await cache.get(0, 'k', ['state'], async () => ++computed);
    await expect(cache.get(0, 'k', ['state'], async () => ++computed)).resolves.toBe(2);
  });
});

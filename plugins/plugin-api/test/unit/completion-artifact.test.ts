import { buildCompletionArtifact, CompletionArtifactSchema, RunnerRawResultSchema } from '../../src/index.js';
import { aStageRunRequest } from '../../src/testing/index.js';

describe('completion artifact', () => {
  const request = aStageRunRequest('/tmp/rt');
  const raw = (extra: Record<string, unknown>) =>
    RunnerRawResultSchema.parse({ request_id: request.request_id, run_id: request.run_id, stage: 'builder', runner_name: 'x', exit_kind: 'completed', exit_code: 0, started_at: '2026-01-01T00:00:00Z', ended_at: '2026-01-01T00:00:01Z', ...extra });
  const now = new Date('2026-01-01T00:00:02Z');

  it('carries the cost when the harness priced the run, and no cost key otherwise', () => {
    const priced = buildCompletionArtifact(request, raw({ cost_usd: 0.25 }), ['x'], now);
    expect(CompletionArtifactSchema.parse(priced).cost_usd).toBe(0.25);
    expect('cost_usd' in buildCompletionArtifact(request, raw({ cost_usd: null }), ['x'], now)).toBe(false);
    expect('cost_usd' in buildCompletionArtifact(request, raw({}), ['x'], now)).toBe(false);
  });
});

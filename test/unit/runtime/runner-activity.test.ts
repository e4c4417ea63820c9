import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addTokenUsage, normalizeTokenUsage, RunnerActivitySchema, RunnerRawResultSchema, type RunnerActivity, type RunnerAdapter } from '@millrace/plugin-api';
import { aStageRunRequest } from '@millrace/plugin-api/testing';
import { createThrottle } from '../../../src/runtime/activity-throttle.js';
import { createRegistryDispatch, normalizeActivity } from '../../../src/runtime/dispatch.js';
import { buildRegistry } from '../../../src/registry/registry.js';

const until = async (check: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('usage contract', () => {
  it('fills the total from input + output only when the harness gives none', () => {
    expect(normalizeTokenUsage({ input_tokens: 10, output_tokens: 5 })).toMatchObject({ total_tokens: 15, cached_input_tokens: 0, thinking_tokens: 0 });
    expect(normalizeTokenUsage({ input_tokens: 10, output_tokens: 5, total_tokens: 40 }).total_tokens).toBe(40);
    expect(() => normalizeTokenUsage({ input_tokens: -1 })).toThrow();
  });

  it('sums usage field by field', () => {
    const a = normalizeTokenUsage({ input_tokens: 10, cached_input_tokens: 4, output_tokens: 5, thinking_tokens: 1 });
    expect(addTokenUsage(a, a)).toEqual({ input_tokens: 20, cached_input_tokens: 8, cache_write_input_tokens: 0, output_tokens: 10, thinking_tokens: 2, total_tokens: 30 });
  });

  it('accepts an optional harness cost on the raw result and refuses a negative one', () => {
    const base = { request_id: 'r', run_id: 'run', stage: 'builder', runner_name: 'x', exit_kind: 'completed', started_at: '2026-01-01T00:00:00Z', ended_at: '2026-01-01T00:00:01Z' };
    expect(RunnerRawResultSchema.parse(base).cost_usd).toBeUndefined();
    expect(RunnerRawResultSchema.parse({ ...base, cost_usd: 0.25 }).cost_usd).toBe(0.25);
    expect(RunnerRawResultSchema.safeParse({ ...base, cost_usd: -1 }).success).toBe(false);
  });
});

describe('runner activity', () => {
  const now = new Date('2026-12-05T10:00:00.000Z');

  it('keeps the last meaningful line, stamps the time and clips long text', () => {
    expect(normalizeActivity({ kind: 'output', text: 'first\n  second line  \n\n' }, now)).toEqual({ kind: 'output', text: 'second line', at: now.toISOString() });
    const long = normalizeActivity({ kind: 'tool', text: 'x'.repeat(500), at: '2026-12-05T09:00:00Z' }, now);
    expect(long?.text.length).toBe(240);
    expect(long?.at).toBe('2026-12-05T09:00:00.000Z');
    expect(RunnerActivitySchema.parse(long)).toEqual(long);
  });

  it('drops empty activity and bad usage, keeps usage-only updates', () => {
    expect(normalizeActivity({ kind: 'output', text: '  \n' }, now)).toBeNull();
    expect(normalizeActivity({ kind: 'event', text: '', usage: { input_tokens: 3, output_tokens: 2 } }, now)?.usage?.total_tokens).toBe(5);
    expect(normalizeActivity({ kind: 'event', text: 'turn', usage: { input_tokens: -3 } }, now)).toEqual({ kind: 'event', text: 'turn', at: now.toISOString() });
  });

  it('throttles: first value at once, later ones within the interval coalesced to the latest', () => {
    const seen: number[] = [];
    const throttle = createThrottle<number>((v) => seen.push(v), 60_000);
    throttle.push(1);
    throttle.push(2);
    throttle.push(3);
    expect(seen).toEqual([1]);
    throttle.flush();
    expect(seen).toEqual([1, 3]);
    throttle.push(4);
    throttle.close();
    throttle.flush();
    expect(seen).toEqual([1, 3]);
  });

  it('throttles: the latest pending value goes out by itself when the interval ends', async () => {
    const seen: number[] = [];
    const throttle = createThrottle<number>((v) => seen.push(v), 100);
    throttle.push(1);
    throttle.push(2);
    await until(() => seen.length === 2);
    expect(seen).toEqual([1, 2]);
    throttle.close();
  });

  it('the registry dispatch hands runners an activity sink that reaches the host hooks', async () => {
    const adapter: RunnerAdapter = {
      name: 'talker',
      async run(request, context) {
        context.onActivity?.({ kind: 'tool', text: 'exec ls' });
        context.onProgress?.('legacy line');
        return RunnerRawResultSchema.parse({ request_id: request.request_id, run_id: request.run_id, stage: request.stage, runner_name: 'talker', exit_kind: 'completed', started_at: now.toISOString(), ended_at: now.toISOString() });
      },
    };
    const registry = buildRegistry([{ plugin: { name: 'p', version: '1', type: 'core' }, result: { apiVersion: 1, runners: [{ id: 'talker', description: 't', load: async () => adapter }] } }], []);
    const root = mkdtempSync(join(tmpdir(), 'millrace-act-'));
    const dispatch = createRegistryDispatch(registry, { runners: {} }, { workspaceRoot: root, runtimeRoot: join(root, 'millrace-agents'), now: () => now });
    const seen: RunnerActivity[] = [];
    const raw = await dispatch(aStageRunRequest(join(root, 'millrace-agents'), { runner_name: 'talker' }), new AbortController().signal, { onActivity: (a) => seen.push(a) });
    expect(raw.exit_kind).toBe('completed');
    expect(seen).toEqual([
      { kind: 'tool', text: 'exec ls', at: now.toISOString() },
      { kind: 'output', text: 'legacy line', at: now.toISOString() },
    ]);
  });
});

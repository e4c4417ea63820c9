import { jest } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonFailure, JsonSuccess } from '../../src/cli/base-command.js';
import type { RunsLsResult } from '../../src/commands/runs/ls.js';
import type { RunsShowResult } from '../../src/commands/runs/show.js';
import type { RunsTailResult } from '../../src/commands/runs/tail.js';
import { createRuntimeWorkspace, millrace, writeTask } from '../support/runtime-workspace.js';

jest.setTimeout(240_000);

const USAGE = JSON.stringify({ model: 'wrapped-model', input_tokens: 1000, cached_input_tokens: 400, output_tokens: 100 });

describe('runs ls and run references (real daemon, command runner)', () => {
  let ws: Awaited<ReturnType<typeof createRuntimeWorkspace>>;
  let runs: RunsLsResult['runs'];

  beforeAll(async () => {
    ws = await createRuntimeWorkspace({ script: { checker: ['FIX_NEEDED'] } });
    const toml = join(ws.runtime, 'millrace.toml');
    writeFileSync(toml, readFileSync(toml, 'utf8').replace('env = { FAKE_AGENT_SCRIPT', `env = { FAKE_AGENT_USAGE = ${JSON.stringify(USAGE)}, FAKE_AGENT_SCRIPT`));
    writeTask(ws.runtime, 'task-001');
    writeTask(ws.runtime, 'task-002', {}, '2026-11-27T11:00:00Z');
    // task-001: builder, checker (FIX_NEEDED), fixer, doublechecker, updater; then task-002's builder.
    expect((await millrace(['run', 'daemon', '-w', ws.root, '--max-ticks', '6'], { timeout: 180_000 })).exitCode).toBe(0);
    runs = (JSON.parse((await millrace(['runs', 'ls', '-w', ws.root, '--json'])).stdout) as JsonSuccess<RunsLsResult>).result.runs;
  });

  it('lists runs newest first with start, duration, stage, item, result and ledger tokens (JSON)', () => {
    expect(runs.map((r) => [r.work_item_id, r.stage, r.terminal_result, r.running, r.usage?.total_tokens, r.usage?.runs])).toEqual([
      ['task-002', 'builder', 'BUILDER_COMPLETE', false, 1100, 1],
      ['task-001', 'updater', 'UPDATE_COMPLETE', false, 5500, 5],
    ]);
    expect(runs[1]!.stages).toEqual(['builder', 'checker', 'fixer', 'doublechecker', 'updater']);
    expect(runs[1]).toMatchObject({ plane: 'execution', work_item_kind: 'task', status: 'valid', lane: null, failure_class: null });
    expect(runs[1]!.usage).toMatchObject({ cost_usd: 0, unpriced_runs: 5 });
    for (const r of runs) {
      expect(r.short_id).toBe(r.run_id.slice(4, 12));
      // duration_seconds is rounded to tenths, so it may be up to 50 ms either side of the timestamps' difference.
      expect(Math.abs(Date.parse(r.completed_at!) - Date.parse(r.started_at) - r.duration_seconds * 1000)).toBeLessThanOrEqual(50.001);
    }
    expect(Date.parse(runs[0]!.started_at)).toBeGreaterThan(Date.parse(runs[1]!.started_at));
  });

  it('prints a table in text, and filters by item, stage, since and limit', async () => {
    const text = await millrace(['runs', 'ls', '-w', ws.root]);
    expect(text.exitCode).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toMatch(/^RUN\s+STARTED\s+DURATION\s+STAGE\s+ITEM\s+RESULT\s+TOKENS$/);
    expect(lines[1]).toMatch(new RegExp(`^${runs[0]!.short_id}  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ\\s+\\d+\\.\\ds  execution/builder\\s+task:task-002  BUILDER_COMPLETE\\s+1,100$`));
    expect(lines[2]).toMatch(new RegExp(`^${runs[1]!.short_id}  .*execution/updater\\s+task:task-001  UPDATE_COMPLETE\\s+5,500$`));
    expect(lines).toHaveLength(3);

    const json = async (...args: string[]) => (JSON.parse((await millrace(['runs', 'ls', '-w', ws.root, '--json', ...args])).stdout) as JsonSuccess<RunsLsResult>).result;
    expect((await json('--item', 'task-001')).runs.map((r) => r.run_id)).toEqual([runs[1]!.run_id]);
    expect((await json('--item', 'task:task-002')).runs.map((r) => r.run_id)).toEqual([runs[0]!.run_id]);
    expect((await json('--stage', 'fixer')).runs.map((r) => r.run_id)).toEqual([runs[1]!.run_id]);
    expect((await json('--stage', 'builder')).runs).toHaveLength(2);
    expect(await json('--limit', '1')).toMatchObject({ matched: 2, runs: [{ run_id: runs[0]!.run_id }] });
    expect((await json('--since', '1h')).runs).toHaveLength(2);
    expect((await json('--since', '2999-01-01')).runs).toEqual([]);

    const limited = await millrace(['runs', 'ls', '-w', ws.root, '--limit', '1']);
    expect(limited.stdout.split('\n').slice(2)).toEqual(['(1 older runs not shown; --limit)']);
    expect((await millrace(['runs', 'ls', '-w', ws.root, '--item', 'task-999'])).stdout.trim()).toBe('no runs match');
    const badSince = await millrace(['runs', 'ls', '-w', ws.root, '--since', 'yesterday']);
    expect(badSince.exitCode).not.toBe(0);
    expect(badSince.stderr).toContain('--since: expected an ISO date/time or a span like 90m, 12h, 7d; got "yesterday"');
  });

  it('takes a unique prefix, the 8-char short id or `latest` wherever a run id is taken; an ambiguous prefix lists the candidates', async () => {
    const [newest, older] = [runs[0]!, runs[1]!];
    const show = async (ref: string) => JSON.parse((await millrace(['runs', 'show', ref, '-w', ws.root, '--json'])).stdout) as JsonSuccess<RunsShowResult>;
    expect((await show(older.short_id)).result.run_id).toBe(older.run_id);
    expect((await show(older.run_id.slice(0, 10))).result.run_id).toBe(older.run_id);
    expect((await show(older.run_id)).result.run_id).toBe(older.run_id);
    expect((await show('latest')).result.run_id).toBe(newest.run_id);
    const tail = JSON.parse((await millrace(['runs', 'tail', 'latest', '-w', ws.root, '--json'])).stdout) as JsonSuccess<RunsTailResult>;
    expect(tail.result).toMatchObject({ run_id: newest.run_id });
    expect(tail.result.content).toContain('### BUILDER_COMPLETE');
    const tailText = await millrace(['runs', 'tail', newest.short_id, '-w', ws.root]);
    expect(tailText.stdout).toContain('fake agent ran builder for task-002');

    const ambiguous = await millrace(['runs', 'show', 'run', '-w', ws.root, '--json']);
    expect(ambiguous.exitCode).toBe(1);
    const candidates = [newest.run_id, older.run_id].sort();
    expect((JSON.parse(ambiguous.stdout) as JsonFailure).error).toMatchObject({ code: 'INPUT_INVALID', message: `run id prefix run is ambiguous: it matches 2 runs: ${candidates.join(', ')}` });
    const ambiguousText = await millrace(['runs', 'tail', 'run', '-w', ws.root]);
    expect(ambiguousText.exitCode).toBe(1);
    expect(ambiguousText.stderr).toContain(`run id prefix run is ambiguous: it matches 2 runs: ${candidates.join(', ')}`);

    const missing = await millrace(['runs', 'show', 'ffffffffzz', '-w', ws.root, '--json']);
    expect(missing.exitCode).toBe(1);
    expect((JSON.parse(missing.stdout) as JsonFailure).error).toMatchObject({ code: 'NOT_FOUND', message: 'run not found: ffffffffzz' });
  });
});

import { jest } from '@jest/globals';
import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonFailure, JsonSuccess } from '../../src/cli/base-command.js';
import type { RunsLsResult } from '../../src/commands/runs/ls.js';
import type { QueueShowResult } from '../../src/commands/queue/show.js';
import { BIN, createRuntimeWorkspace, millrace, writeTask } from '../support/runtime-workspace.js';
import { createLaneWorkspace, runDaemonUntil, taskFolder, writeLaneTask } from '../support/lanes-workspace.js';
import { until } from '../support/wait.js';

jest.setTimeout(300_000);

type Event = { event_type: string; occurred_at: string; data: Record<string, unknown> };
const USAGE = JSON.stringify({ input_tokens: 1000, output_tokens: 100 });
const ndjson = (text: string) => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Event);

describe('queue show --history and millrace logs (real daemon, command runner)', () => {
  let ws: Awaited<ReturnType<typeof createRuntimeWorkspace>>;
  let followed = '';

  beforeAll(async () => {
    ws = await createRuntimeWorkspace({ script: { checker: ['FIX_NEEDED'] } });
    const toml = join(ws.runtime, 'millrace.toml');
    writeFileSync(toml, readFileSync(toml, 'utf8').replace('env = { FAKE_AGENT_SCRIPT', `env = { FAKE_AGENT_USAGE = ${JSON.stringify(USAGE)}, FAKE_AGENT_SCRIPT`));
    writeTask(ws.runtime, 'task-001');
    // followed from before the daemon starts: every completion arrives live
    const follower = execa('node', [BIN, 'logs', '--follow', '--json', '--type', 'stage_completed', '-w', ws.root], { reject: false, env: { CI: '1' } });
    follower.stdout?.on('data', (c: Buffer) => (followed += c.toString()));
    try {
      await until('the follower to start', () => follower.pid !== undefined);
      expect((await millrace(['run', 'daemon', '-w', ws.root, '--max-ticks', '5'], { timeout: 180_000 })).exitCode).toBe(0);
      await until('five completions followed', () => ndjson(followed).length === 5);
    } finally {
      follower.kill('SIGINT');
    }
    expect((await follower).exitCode).toBe(0);
  });

  it('queue show --history: the item\'s stage runs oldest first with run ids, results, durations, tokens and routes (JSON and text)', async () => {
    const shown = JSON.parse((await millrace(['queue', 'show', 'task-001', '--history', '-w', ws.root, '--json'])).stdout) as JsonSuccess<QueueShowResult>;
    const history = shown.result.history!;
    expect(shown.result.work_item_state).toBe('done');
    expect(history.entries.map((e) => [e.stage, e.outcome, e.route?.action === 'run_stage' ? e.route.next_stage : e.route?.action, e.token_usage?.total_tokens])).toEqual([
      ['builder', 'BUILDER_COMPLETE', 'checker', 1100],
      ['checker', 'FIX_NEEDED', 'fixer', 1100],
      ['fixer', 'FIXER_COMPLETE', 'doublechecker', 1100],
      ['doublechecker', 'DOUBLECHECK_PASS', 'updater', 1100],
      ['updater', 'UPDATE_COMPLETE', 'idle', 1100],
    ]);
    expect(new Set(history.entries.map((e) => e.run_id)).size).toBe(1);
    expect(history).toMatchObject({ runs: 1, usage: { total_tokens: 5500, runs: 5 } });
    for (const e of history.entries) expect(e).toMatchObject({ plane: 'execution', lane: null, short_id: e.run_id.slice(4, 12), duration_seconds: expect.any(Number) });

    const text = (await millrace(['queue', 'show', 'task-001', '--history', '-w', ws.root])).stdout.split('\n');
    const at = text.indexOf('history: 5 stage runs in 1 run; 5,500 tokens, unpriced');
    expect(at).toBeGreaterThan(0);
    expect(text[at + 1]).toMatch(/^RUN\s+STARTED\s+STAGE\s+RESULT\s+DURATION\s+TOKENS\s+NEXT$/);
    expect(text[at + 2]).toMatch(new RegExp(`^${history.entries[0]!.short_id}  \\S+ \\S+Z  execution/builder\\s+BUILDER_COMPLETE\\s+\\d+\\.\\ds\\s+1,100  -> checker$`));
    expect(text[at + 6]).toMatch(/execution\/updater\s+UPDATE_COMPLETE\s+\d+\.\ds\s+1,100  idle$/);
    // without --history: no history
    expect((JSON.parse((await millrace(['queue', 'show', 'task-001', '-w', ws.root, '--json'])).stdout) as JsonSuccess<QueueShowResult>).result.history).toBeUndefined();
  });

  it('logs: readable lines, NDJSON with --json, filters by type, item and since; --follow streamed each new event', async () => {
    const text = await millrace(['logs', '-w', ws.root]);
    expect(text.exitCode).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ runtime_daemon_lock_acquired/);
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/^\S+ \S+Z stage_started execution\/builder run=[0-9a-f]{8} item=task:task-001$/),
      expect.stringMatching(/^\S+ \S+Z stage_completed execution\/checker run=[0-9a-f]{8} item=task:task-001 terminal_result=FIX_NEEDED$/),
      expect.stringMatching(/^\S+ \S+Z router_decision execution\/checker run=[0-9a-f]{8} item=task:task-001 terminal_result=FIX_NEEDED .*action=run_stage next_stage=fixer/),
    ]));

    const all = ndjson((await millrace(['logs', '-w', ws.root, '--json'])).stdout);
    expect(all.length).toBe(lines.length);
    const completed = ndjson((await millrace(['logs', '-w', ws.root, '--json', '--type', 'stage_completed', '--type', 'stage_started'])).stdout);
    expect(completed.map((e) => e.event_type)).toEqual(Array.from({ length: 5 }, () => ['stage_started', 'stage_completed']).flat());
    const item = ndjson((await millrace(['logs', '-w', ws.root, '--json', '--item', 'task:task-001'])).stdout);
    expect(item.length).toBeGreaterThan(10);
    expect(item.every((e) => e.data.work_item_id === 'task-001')).toBe(true);
    expect(item.some((e) => e.event_type === 'runtime_started')).toBe(false);
    expect((await millrace(['logs', '-w', ws.root, '--since', '2999-01-01'])).stdout).toBe('');
    const bad = await millrace(['logs', '-w', ws.root, '--since', 'soon', '--json']);
    expect(bad.exitCode).not.toBe(0);
    expect((JSON.parse(bad.stdout) as JsonFailure).error.message).toContain('--since: expected an ISO date/time');

    expect(ndjson(followed)).toEqual(all.filter((e) => e.event_type === 'stage_completed'));
  });
});

describe('stages in parallel lanes: ledger, runs ls, logs and history', () => {
  it('records the lane of each stage run in the usage ledger, and shows it in runs ls, logs and queue show --history', async () => {
    const ws = await createLaneWorkspace({ execution: 'max_parallel = 2\nisolation = "worktree"', sleepMs: 300 });
    writeLaneTask(ws, 'task-a', ['a'], '2026-11-27T10:00:00Z');
    writeLaneTask(ws, 'task-b', ['b'], '2026-11-27T10:00:01Z');
    const run = await runDaemonUntil(ws, () => taskFolder(ws, 'done').length + taskFolder(ws, 'blocked').length === 2);
    expect(run.exitCode).toBe(130);
    const ledger = readFileSync(join(ws.runtime, 'state', 'usage_ledger.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { work_item_id: string; stage: string; lane?: number });
    expect(ledger).toHaveLength(6);
    expect(new Set(ledger.map((r) => r.lane))).toEqual(new Set([1, 2]));
    const laneOf = Object.fromEntries(ledger.map((r) => [r.work_item_id, r.lane]));
    for (const r of ledger) expect(r.lane).toBe(laneOf[r.work_item_id]);

    const ls = (JSON.parse((await millrace(['runs', 'ls', '-w', ws.root, '--json'])).stdout) as JsonSuccess<RunsLsResult>).result;
    expect(ls.lanes).toBe(true);
    expect(Object.fromEntries(ls.runs.map((r) => [r.work_item_id, r.lane]))).toEqual(laneOf);
    const text = (await millrace(['runs', 'ls', '-w', ws.root])).stdout.split('\n');
    expect(text[0]).toMatch(/^RUN\s+LANE\s+STARTED/);
    for (const r of ls.runs) expect(text).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${r.short_id}  ${r.lane}\\s+.*task:${r.work_item_id}`))]));

    const logs = (await millrace(['logs', '-w', ws.root, '--type', 'stage_started'])).stdout.split('\n');
    expect(logs).toHaveLength(6);
    for (const line of logs) expect(line).toMatch(/ stage_started execution\/\w+ lane=[12] run=[0-9a-f]{8} item=task:task-[ab]/);
    const history = (JSON.parse((await millrace(['queue', 'show', 'task-b', '--history', '-w', ws.root, '--json'])).stdout) as JsonSuccess<QueueShowResult>).result.history!;
    expect(history.entries.map((e) => [e.stage, e.lane])).toEqual(['builder', 'checker', 'updater'].map((s) => [s, laneOf['task-b']]));
  });
});

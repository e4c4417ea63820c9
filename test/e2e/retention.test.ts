import { execa } from 'execa';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RetentionReport } from '../../src/contracts/retention.js';
import { BIN, createRuntimeWorkspace, mdIn, millrace, writeTask } from '../support/runtime-workspace.js';

// Bounded growth (issue 14, point 8): `runs prune` and a real daemon apply the [retention] policy; protected runs stay.
type Ws = Awaited<ReturnType<typeof createRuntimeWorkspace>>;

const OLD = '2020-01-01T10:00:00Z';
const recent = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

/** A run directory whose stage result names its item (or closure target) and when it ran. */
function seedRun(ws: Ws, runId: string, owner: { task?: string; spec?: string; closure?: string }, completedAt: string): void {
  const dir = join(ws.runtime, 'runs', runId, 'stage_results');
  mkdirSync(dir, { recursive: true });
  const result = {
    schema_version: '1.0',
    kind: 'stage_result',
    run_id: runId,
    plane: owner.task ? 'execution' : 'planning',
    stage: owner.task ? 'builder' : owner.closure ? 'arbiter' : 'planner',
    work_item_kind: owner.task ? 'task' : 'spec',
    work_item_id: owner.task ?? owner.spec ?? owner.closure,
    metadata: owner.closure ? { closure_target_root_spec_id: owner.closure, request_kind: 'closure_target' } : {},
    started_at: completedAt,
    completed_at: completedAt,
  };
  writeFileSync(join(dir, 'request-1.json'), JSON.stringify(result));
  writeFileSync(join(ws.runtime, 'runs', runId, 'runner_stdout.txt'), 'output\n');
}

function placeTask(ws: Ws, id: string, folder: 'queue' | 'active' | 'done' | 'blocked'): void {
  writeTask(ws.runtime, id);
  if (folder !== 'queue') renameSync(join(ws.runtime, 'tasks', 'queue', `${id}.md`), join(ws.runtime, 'tasks', folder, `${id}.md`));
}

function openClosureTarget(ws: Ws, rootSpecId: string): void {
  const dir = join(ws.runtime, 'arbiter', 'targets');
  mkdirSync(dir, { recursive: true });
  const target = {
    schema_version: '1.0',
    kind: 'closure_target_state',
    root_spec_id: rootSpecId,
    root_idea_id: 'idea-1',
    root_spec_path: `specs/done/${rootSpecId}.md`,
    root_idea_path: 'ideas/idea-1.md',
    rubric_path: 'arbiter/rubrics/r.md',
    latest_verdict_path: null,
    latest_report_path: null,
    closure_open: true,
    closure_blocked_by_lineage_work: false,
    blocking_work_ids: [],
    opened_at: OLD,
    closed_at: null,
    last_arbiter_run_id: null,
  };
  writeFileSync(join(dir, `${rootSpecId}.json`), JSON.stringify(target));
}

function eventLine(type: string, at: string, padding = ''): string {
  return `${JSON.stringify({ data: { note: padding }, event_type: type, kind: 'runtime_event', occurred_at: at, schema_version: '1.0' })}\n`;
}

const runIds = (ws: Ws) => (existsSync(join(ws.runtime, 'runs')) ? readdirSync(join(ws.runtime, 'runs')).sort() : []);
const logFiles = (ws: Ws) => readdirSync(join(ws.runtime, 'logs')).filter((n) => n.startsWith('runtime_events')).sort();
/** Every event of the log in order: rotated files by number, then the current file. */
function allEvents(ws: Ws): Array<{ event_type: string; occurred_at: string; data: Record<string, unknown> }> {
  const rotated = logFiles(ws)
    .map((n) => ({ n, m: /^runtime_events\.(\d+)\.jsonl$/.exec(n) }))
    .filter((e) => e.m)
    .sort((a, b) => Number(a.m![1]) - Number(b.m![1]))
    .map((e) => e.n);
  return [...rotated, 'runtime_events.jsonl']
    .filter((n) => existsSync(join(ws.runtime, 'logs', n)))
    .flatMap((n) => readFileSync(join(ws.runtime, 'logs', n), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event_type: string; occurred_at: string; data: Record<string, unknown> }));
}

async function prune(ws: Ws, extra: string[] = []) {
  const r = await millrace(['runs', 'prune', '-w', ws.root, '--json', ...extra]);
  expect({ exit: r.exitCode, stderr: r.stderr }).toEqual({ exit: 0, stderr: '' });
  return (JSON.parse(r.stdout) as { status: number; result: RetentionReport }).result;
}

/** A workspace with one run of every kind that retention must tell apart. */
async function seededWorkspace(): Promise<Ws> {
  const ws = await createRuntimeWorkspace({
    extraToml: ['[retention]', 'keep_runs_days = 30', 'keep_runs_per_item = 2', 'events_log_max_bytes = 2048', 'events_log_keep_files = 1', ''].join('\n'),
  });
  placeTask(ws, 'done-old', 'done');
  placeTask(ws, 'done-many', 'done');
  placeTask(ws, 'blocked-old', 'blocked');
  placeTask(ws, 'active-old', 'active');
  placeTask(ws, 'queued-old', 'queue');
  openClosureTarget(ws, 'spec-root');
  seedRun(ws, 'run-done-old', { task: 'done-old' }, OLD);
  seedRun(ws, 'run-done-recent', { task: 'done-old' }, recent(5));
  seedRun(ws, 'run-many-1', { task: 'done-many' }, recent(30));
  seedRun(ws, 'run-many-2', { task: 'done-many' }, recent(20));
  seedRun(ws, 'run-many-3', { task: 'done-many' }, recent(10));
  seedRun(ws, 'run-blocked-old', { task: 'blocked-old' }, OLD);
  seedRun(ws, 'run-active-old', { task: 'active-old' }, OLD);
  seedRun(ws, 'run-queued-old', { task: 'queued-old' }, OLD);
  seedRun(ws, 'run-closure-old', { closure: 'spec-root' }, OLD);
  seedRun(ws, 'run-root-spec-old', { spec: 'spec-root' }, OLD);
  // A run that never wrote a stage result and left no event: nothing says whose it is.
  mkdirSync(join(ws.runtime, 'runs', 'run-unknown-old', 'stage_results'), { recursive: true });
  utimesSync(join(ws.runtime, 'runs', 'run-unknown-old'), new Date(OLD), new Date(OLD));
  // An events log over its limit, and an older rotated file beyond events_log_keep_files once rotated.
  writeFileSync(join(ws.runtime, 'logs', 'runtime_events.1.jsonl'), eventLine('oldest_event', '2020-01-01T00:00:00Z'));
  writeFileSync(join(ws.runtime, 'logs', 'runtime_events.jsonl'), Array.from({ length: 20 }, (_, i) => eventLine('seeded_event', `2020-01-02T00:00:${String(i).padStart(2, '0')}Z`, 'x'.repeat(100))).join(''));
  writeFileSync(join(ws.runtime, 'state', 'usage_ledger.jsonl'), '');
  return ws;
}

describe('runs prune', () => {
  it('--dry-run lists exactly the eligible runs and the protected ones, and changes nothing', async () => {
    const ws = await seededWorkspace();
    const before = runIds(ws);
    const report = await prune(ws, ['--dry-run']);
    expect(report.dry_run).toBe(true);
    expect(report.policy).toEqual({ keep_runs_days: 30, keep_runs_per_item: 2, events_log_max_bytes: 2048, events_log_keep_files: 1 });
    expect(report.runs.examined).toBe(before.length);
    expect(report.runs.removed.map((r) => [r.run_id, r.reason])).toEqual([
      ['run-done-old', 'older_than_keep_runs_days'],
      ['run-many-1', 'beyond_keep_runs_per_item'],
    ]);
    expect(report.runs.removed[0]).toEqual({ run_id: 'run-done-old', work_item_kind: 'task', work_item_id: 'done-old', closure_target_root_spec_id: null, last_ran_at: '2020-01-01T10:00:00.000Z', reason: 'older_than_keep_runs_days' });
    expect(Object.fromEntries(report.runs.protected.map((r) => [r.run_id, r.reason]))).toEqual({
      'run-active-old': 'item_not_finished',
      'run-blocked-old': 'item_not_finished',
      'run-queued-old': 'item_not_finished',
      'run-closure-old': 'open_closure_target',
      'run-root-spec-old': 'open_closure_target',
      'run-unknown-old': 'owner_unknown',
    });
    expect(report.events_log).toEqual({ rotated_to: 'millrace-agents/logs/runtime_events.2.jsonl', removed: ['millrace-agents/logs/runtime_events.1.jsonl'], skipped: null });
    expect(runIds(ws)).toEqual(before);
    expect(logFiles(ws)).toEqual(['runtime_events.1.jsonl', 'runtime_events.jsonl']);

    const text = await millrace(['runs', 'prune', '-w', ws.root, '--dry-run']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('would remove: run run-done-old (task done-old, last ran 2020-01-01T10:00:00.000Z): older_than_keep_runs_days');
    expect(text.stdout).toContain('kept: run run-blocked-old (task blocked-old, last ran 2020-01-01T10:00:00.000Z): item_not_finished');
    expect(text.stdout).toContain('would rotate: events log to millrace-agents/logs/runtime_events.2.jsonl');
    expect(text.stdout.trim().split('\n').at(-1)).toBe('dry run: 2 of 11 runs would be removed, 6 protected');
    expect(runIds(ws)).toEqual(before);
  }, 120_000);

  it('removes only the eligible runs, rotates the events log, keeps the usage ledger and records what it did', async () => {
    const ws = await seededWorkspace();
    const ledger = join(ws.runtime, 'state', 'usage_ledger.jsonl');
    const seeded = readFileSync(join(ws.runtime, 'logs', 'runtime_events.jsonl'), 'utf8');
    const report = await prune(ws);
    expect(report.dry_run).toBe(false);
    expect(report.runs.removed.map((r) => r.run_id)).toEqual(['run-done-old', 'run-many-1']);
    expect(runIds(ws)).toEqual(['run-active-old', 'run-blocked-old', 'run-closure-old', 'run-done-recent', 'run-many-2', 'run-many-3', 'run-queued-old', 'run-root-spec-old', 'run-unknown-old']);
    expect(logFiles(ws)).toEqual(['runtime_events.2.jsonl', 'runtime_events.jsonl']);
    expect(readFileSync(join(ws.runtime, 'logs', 'runtime_events.2.jsonl'), 'utf8')).toBe(seeded);
    expect(existsSync(ledger)).toBe(true);
    const applied = allEvents(ws).filter((e) => e.event_type === 'retention_applied');
    expect(applied).toHaveLength(1);
    expect(applied[0]!.data).toMatchObject({ source: 'runs_prune', removed_run_count: 2, removed_run_ids: ['run-done-old', 'run-many-1'], events_log_rotated_to: 'millrace-agents/logs/runtime_events.2.jsonl' });

    // A second pass finds nothing more to remove.
    const again = await prune(ws);
    expect(again.runs.removed).toEqual([]);
    expect(runIds(ws)).toHaveLength(9);
  }, 120_000);

  it('an invalid [retention] value is refused with the file and key', async () => {
    const ws = await createRuntimeWorkspace({ extraToml: '[retention]\nevents_log_max_bytes = 10\n' });
    const r = await millrace(['runs', 'prune', '-w', ws.root]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('millrace-agents/millrace.toml: retention.events_log_max_bytes:');
  }, 60_000);
});

describe('a daemon applies retention', () => {
  it('prunes after its first tick, keeps protected runs and rotates the events log by size between stages', async () => {
    const ws = await createRuntimeWorkspace({
      extraToml: ['[retention]', 'keep_runs_days = 30', 'keep_runs_per_item = 0', 'events_log_max_bytes = 1024', 'events_log_keep_files = 3', ''].join('\n'),
    });
    placeTask(ws, 'done-old', 'done');
    placeTask(ws, 'blocked-old', 'blocked');
    seedRun(ws, 'run-done-old', { task: 'done-old' }, OLD);
    seedRun(ws, 'run-blocked-old', { task: 'blocked-old' }, OLD);
    writeTask(ws.runtime, 'task-a');
    writeTask(ws.runtime, 'task-b');
    const daemon = await execa('node', [BIN, 'run', 'daemon', '-w', ws.root, '--max-ticks', '12'], { reject: false, env: { CI: '1' }, timeout: 120_000 });
    expect({ exit: daemon.exitCode, stderr: daemon.stderr }).toEqual({ exit: 0, stderr: '' });
    expect(mdIn(join(ws.runtime, 'tasks', 'done'))).toEqual(['done-old.md', 'task-a.md', 'task-b.md']);

    const runs = runIds(ws);
    expect(runs).not.toContain('run-done-old');
    expect(runs).toContain('run-blocked-old');
    expect(runs.filter((r) => !r.endsWith('-old')).length).toBeGreaterThanOrEqual(2);

    // Rotated by size, at most events_log_keep_files rotated files kept, each over the limit when it was rotated.
    const rotated = logFiles(ws).filter((n) => n !== 'runtime_events.jsonl');
    const numbers = rotated.map((n) => Number(/^runtime_events\.(\d+)\.jsonl$/.exec(n)![1])).sort((a, b) => a - b);
    const newest = numbers.at(-1)!;
    // Twelve ticks of events are several KiB: rotated more often than the three files kept, the oldest removed.
    expect(newest).toBeGreaterThan(3);
    expect(numbers).toEqual([newest - 2, newest - 1, newest]);
    for (const name of rotated) expect(statSync(join(ws.runtime, 'logs', name)).size).toBeGreaterThan(1024);
    const events = allEvents(ws);
    const applied = events.filter((e) => e.event_type === 'retention_applied');
    expect(applied.length).toBeGreaterThan(0);
    expect(applied.every((e) => e.data.source === 'daemon')).toBe(true);
    expect(applied.some((e) => e.data.events_log_rotated_to === `millrace-agents/logs/runtime_events.${newest}.jsonl`)).toBe(true);
    // Read across the files in order, the history is in time order.
    const times = events.map((e) => Date.parse(e.occurred_at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  }, 180_000);

  it('runs its first pass after the first tick, so the first stage does not wait for it', async () => {
    const ws = await createRuntimeWorkspace({ extraToml: ['[retention]', 'keep_runs_days = 30', ''].join('\n') });
    placeTask(ws, 'done-old', 'done');
    seedRun(ws, 'run-done-old', { task: 'done-old' }, OLD);
    writeTask(ws.runtime, 'task-a');
    const daemon = await execa('node', [BIN, 'run', 'daemon', '-w', ws.root, '--max-ticks', '1'], { reject: false, env: { CI: '1' }, timeout: 120_000 });
    expect({ exit: daemon.exitCode, stderr: daemon.stderr }).toEqual({ exit: 0, stderr: '' });
    expect(runIds(ws)).not.toContain('run-done-old');
    const types = allEvents(ws).map((e) => e.event_type);
    expect(types.filter((t) => t === 'stage_started')).toHaveLength(1);
    expect(types.indexOf('retention_applied')).toBeGreaterThan(types.indexOf('stage_completed'));
  }, 120_000);
});

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeSnapshotSchema } from '../../src/contracts/runtime-state.js';
import { millrace, readEvents } from '../support/runtime-workspace.js';
import { concurrency, createLaneWorkspace, gitIn, readAgentLog, runDaemonUntil, taskFolder, writeLaneTask } from '../support/lanes-workspace.js';

const STAGES_PER_TASK = 3;

describe('parallel execution lanes', () => {
  it('runs 8 independent tasks in 4 worktree lanes, never two stages in one directory, and integrates every file', async () => {
    const ws = await createLaneWorkspace({ execution: 'max_parallel = 4\nisolation = "worktree"', sleepMs: 2000 });
    const ids = Array.from({ length: 8 }, (_, i) => `task-${i + 1}`);
    ids.forEach((id, i) => writeLaneTask(ws, id, ['out'], `2026-11-27T10:00:0${i}Z`));
    const run = await runDaemonUntil(ws, () => taskFolder(ws, 'done').length + taskFolder(ws, 'blocked').length === ids.length);
    expect(run.exitCode).toBe(130);
    expect(taskFolder(ws, 'done')).toEqual(ids.map((id) => `${id}.md`).sort());

    const records = readAgentLog(ws.log);
    expect(records.filter((r) => r.event === 'end')).toHaveLength(ids.length * STAGES_PER_TASK);
    const seen = concurrency(records);
    expect(seen.perDirectory).toBe(1);
    expect(seen.overall).toBeGreaterThan(1);
    expect(seen.overall).toBeLessThanOrEqual(4);
    // Every stage ran inside its own task's worktree, never in the workspace checkout.
    for (const r of records) expect(r.cwd).toBe(join(ws.root, 'millrace-agents', 'worktrees', r.item));

    expect(gitIn(ws.root, 'status', '--porcelain', '--untracked-files=no')).toBe('');
    for (const id of ids) for (const stage of ['builder', 'checker', 'updater']) expect(readFileSync(join(ws.root, 'out', `${id}-${stage}.txt`), 'utf8')).toBe(`${id} ${stage}\n`);
    // Done tasks' worktrees and branches are removed after integration.
    expect(gitIn(ws.root, 'branch', '--list', 'millrace/*')).toBe('');
    expect(existsSync(join(ws.root, 'millrace-agents', 'worktrees', 'task-1'))).toBe(false);
    const events = readEvents(ws.runtime);
    expect(events.filter((e) => e.event_type === 'lane_integrated')).toHaveLength(ids.length);
    const snapshot = RuntimeSnapshotSchema.parse(JSON.parse(readFileSync(join(ws.runtime, 'state', 'runtime_snapshot.json'), 'utf8')));
    expect(snapshot.execution_lanes).toEqual([]);

    // doctor reports task worktrees and branches nothing will use again (a done task's, an unknown task's).
    gitIn(ws.root, 'worktree', 'add', '-q', '-b', 'millrace/task-1', join(ws.root, 'millrace-agents', 'worktrees', 'task-1'));
    gitIn(ws.root, 'branch', 'millrace/ghost');
    const doctor = JSON.parse((await millrace(['doctor', '-w', ws.root, '--json'])).stdout) as { result: { findings: Array<{ code: string; message: string }> } };
    const codes = doctor.result.findings.filter((f) => f.code.startsWith('orphan_task_')).map((f) => `${f.code}: ${f.message}`);
    expect(codes).toEqual([
      'orphan_task_branch: branch millrace/ghost of task ghost has no worktree and its task is finished',
      'orphan_task_worktree: worktree of task task-1 (branch millrace/task-1) is no longer used',
    ]);
  }, 300_000);

  it('blocks the second of two tasks editing the same line, with an incident naming its branch and files, branch and worktree kept', async () => {
    const ws = await createLaneWorkspace({ execution: 'max_parallel = 2\nisolation = "worktree"', sleepMs: 300, write: 'shared', files: { 'shared.txt': 'base\n' } });
    writeLaneTask(ws, 'task-a', ['shared.txt'], '2026-11-27T10:00:00Z');
    writeLaneTask(ws, 'task-b', ['shared.txt'], '2026-11-27T10:00:01Z');
    const run = await runDaemonUntil(ws, () => taskFolder(ws, 'done').length + taskFolder(ws, 'blocked').length === 2);
    expect(run.exitCode).toBe(130);
    expect(taskFolder(ws, 'done')).toHaveLength(1);
    expect(taskFolder(ws, 'blocked')).toHaveLength(1);
    const done = taskFolder(ws, 'done')[0]!.slice(0, -3);
    const blocked = taskFolder(ws, 'blocked')[0]!.slice(0, -3);
    expect(readFileSync(join(ws.root, 'shared.txt'), 'utf8')).toBe(`${done}\n`);
    expect(gitIn(ws.root, 'status', '--porcelain', '--untracked-files=no')).toBe('');
    // The blocked task's work is intact on its branch and in its worktree.
    expect(gitIn(ws.root, 'show', `millrace/${blocked}:shared.txt`)).toBe(blocked);
    expect(readFileSync(join(ws.root, 'millrace-agents', 'worktrees', blocked, 'shared.txt'), 'utf8')).toBe(`${blocked}\n`);
    const incidents = [...taskFolderOf(ws.runtime, 'incidents', 'incoming'), ...taskFolderOf(ws.runtime, 'incidents', 'active'), ...taskFolderOf(ws.runtime, 'incidents', 'resolved')];
    const incident = incidents.map((f) => readFileSync(f, 'utf8')).find((text) => text.includes(`millrace/${blocked}`));
    expect(incident).toBeDefined();
    expect(incident).toContain('shared.txt');
    expect(incident).toContain('worktree_integration_failed');
    expect(readEvents(ws.runtime).filter((e) => e.event_type === 'lane_integration_failed').map((e) => e.data.conflicts)).toEqual([['shared.txt']]);
  }, 300_000);

  it('with isolation none, never runs two tasks with overlapping target paths together, but runs disjoint ones', async () => {
    const ws = await createLaneWorkspace({ execution: 'max_parallel = 3\nisolation = "none"', sleepMs: 400 });
    writeLaneTask(ws, 'task-api', ['src/api'], '2026-11-27T10:00:00Z');
    writeLaneTask(ws, 'task-api-x', ['src/api/x.ts'], '2026-11-27T10:00:01Z');
    writeLaneTask(ws, 'task-docs', ['docs'], '2026-11-27T10:00:02Z');
    const run = await runDaemonUntil(ws, () => taskFolder(ws, 'done').length === 3);
    expect(run.exitCode).toBe(130);
    const records = readAgentLog(ws.log);
    const span = (item: string) => {
      const times = records.filter((r) => r.item === item).map((r) => r.at);
      return { from: Math.min(...times), to: Math.max(...times) };
    };
    const api = span('task-api');
    const apiX = span('task-api-x');
    expect(api.to <= apiX.from || apiX.to <= api.from).toBe(true);
    for (const r of records) expect(r.cwd).toBe(ws.root);
    const claims = readEvents(ws.runtime).filter((e) => e.event_type === 'lane_claimed').map((e) => e.data.work_item_id);
    expect(claims.slice(0, 2)).toEqual(['task-api', 'task-docs']);
  }, 300_000);
});

function taskFolderOf(runtime: string, kind: string, folder: string): string[] {
  const dir = join(runtime, kind, folder);
  return existsSync(dir) ? readdirSync(dir).filter((n: string) => n.endsWith('.md')).map((n: string) => join(dir, n)) : [];
}

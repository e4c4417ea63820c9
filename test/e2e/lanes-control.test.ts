import { execa } from 'execa';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeSnapshotSchema } from '../../src/contracts/runtime-state.js';
import { BIN, millrace, readEvents } from '../support/runtime-workspace.js';
import { createLaneWorkspace, gitIn, readAgentLog, runDaemonUntil, taskFolder, writeLaneTask, type LaneWorkspace } from '../support/lanes-workspace.js';

async function until(what: string, check: () => boolean, deadlineMs = 90_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > deadlineMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const eventsOf = (ws: LaneWorkspace, type: string) => readEvents(ws.runtime).filter((e) => e.event_type === type);

describe('operator control of execution lanes', () => {
  it('retry-active needs --item with several busy lanes, retries one lane (aborting its stage), and stop lets every running stage finish', async () => {
    const gateDir = join(process.env.TMPDIR ?? '/tmp', `lane-gate-${process.pid}-${Date.now()}`);
    const ws = await createLaneWorkspace({ execution: 'max_parallel = 2\nisolation = "worktree"', sleepMs: 0, gate: gateDir });
    ['task-a', 'task-b', 'task-c'].forEach((id, i) => writeLaneTask(ws, id, ['out'], `2026-11-27T10:00:0${i}Z`));
    const daemon = execa('node', [BIN, 'run', 'daemon', '-w', ws.root], { reject: false, env: { CI: '1' } });
    try {
      const starts = () => readAgentLog(ws.log).filter((r) => r.event === 'start');
      await until('two lane stages running', () => starts().length === 2);
      expect(starts().map((r) => r.item).sort()).toEqual(['task-a', 'task-b']);

      // Two busy lanes: without --item nothing is retried, and the event names the active items.
      expect(JSON.parse((await millrace(['retry-active', '-w', ws.root, '--json'])).stdout)).toMatchObject({ result: { action: 'retry_active', mode: 'mailbox' } });
      await until('the refused retry', () => eventsOf(ws, 'retry_active_skipped').length === 1);
      expect(eventsOf(ws, 'retry_active_skipped')[0]!.data).toMatchObject({ reason: 'multiple_active_items', active_items: ['task-a', 'task-b'] });
      expect(taskFolder(ws, 'active')).toEqual(['task-a.md', 'task-b.md']);

      // --item retries that lane's task: requeued with the reason, its running stage aborted and its result discarded.
      const aborted = starts().find((r) => r.item === 'task-a')!;
      await millrace(['retry-active', '-w', ws.root, '--item', 'task-a', '--reason', 'wrong approach']);
      await until('the lane retry', () => eventsOf(ws, 'lane_retried').length === 1);
      expect(eventsOf(ws, 'lane_retried')[0]!.data).toMatchObject({ work_item_id: 'task-a', reason: 'wrong approach' });
      await until('the aborted stage to be discarded', () => eventsOf(ws, 'lane_stage_discarded').length === 1);
      expect(readFileSync(join(ws.runtime, 'tasks', 'queue', 'task-a.requeue.jsonl'), 'utf8')).toContain('"reason":"wrong approach"');
      await until('the aborted agent to exit', () => !alive(aborted.pid), 30_000);

      // The freed lane claims again (task-a, oldest); its new stage starts only after the old one was discarded.
      await until('a third stage', () => starts().length === 3);
      const third = starts()[2]!;
      const discardedAt = Date.parse((eventsOf(ws, 'lane_stage_discarded')[0] as unknown as { occurred_at: string }).occurred_at);
      expect(third.item).toBe('task-a');
      expect(third.at).toBeGreaterThanOrEqual(discardedAt);
      expect(third.cwd).toBe(join(ws.root, 'millrace-agents', 'worktrees', 'task-a'));

      // stop while both lanes run: nothing new starts, and both running stages finish and are applied before the exit.
      await millrace(['stop', '-w', ws.root]);
      await until('the stop request', () => RuntimeSnapshotSchema.parse(JSON.parse(readFileSync(join(ws.runtime, 'state', 'runtime_snapshot.json'), 'utf8'))).stop_requested || daemon.exitCode !== null);
      writeFileSync(gateDir, 'go');
      const result = await daemon;
      expect(result.exitCode).toBe(0);
      // The live view gives every lane its own lines.
      expect(String(result.stdout)).toMatch(/lane 1: execution\/builder task:task-a/);
      expect(String(result.stdout)).toMatch(/lane 2: execution\/builder task:task-b -> BUILDER_COMPLETE/);
      const records = readAgentLog(ws.log);
      expect(records.filter((r) => r.event === 'start')).toHaveLength(3);
      const ended = records.filter((r) => r.event === 'end').map((r) => `${r.item}/${r.stage}`).sort();
      expect(ended).toEqual(['task-a/builder', 'task-b/builder']);
      const snapshot = RuntimeSnapshotSchema.parse(JSON.parse(readFileSync(join(ws.runtime, 'state', 'runtime_snapshot.json'), 'utf8')));
      expect((snapshot.execution_lanes ?? []).map((l) => [l.run.work_item_id, l.run.stage]).sort()).toEqual([
        ['task-a', 'checker'],
        ['task-b', 'checker'],
      ]);
      expect(taskFolder(ws, 'queue')).toEqual(['task-c.md']);
    } finally {
      if (daemon.exitCode === null) daemon.kill('SIGKILL');
      await daemon;
      if (!existsSync(gateDir)) writeFileSync(gateDir, 'go');
    }
  }, 300_000);

  it('doctor --fix cleans orphan task worktrees and branches without losing work, and removes stale index locks only', async () => {
    const ws = await createLaneWorkspace({ execution: 'max_parallel = 2\nisolation = "worktree"', sleepMs: 0 });
    const trees = join(ws.root, 'millrace-agents', 'worktrees');
    const worktree = (id: string) => {
      gitIn(ws.root, 'worktree', 'add', '-q', '-b', `millrace/${id}`, join(trees, id));
      return join(trees, id);
    };
    // Done tasks: one worktree clean (its branch has nothing new), one with uncommitted work.
    for (const id of ['task-clean', 'task-dirty', 'task-blocked']) writeLaneTask(ws, id, ['out'], '2026-11-27T10:00:00Z');
    renameSync(join(ws.runtime, 'tasks', 'queue', 'task-clean.md'), join(ws.runtime, 'tasks', 'done', 'task-clean.md'));
    renameSync(join(ws.runtime, 'tasks', 'queue', 'task-dirty.md'), join(ws.runtime, 'tasks', 'done', 'task-dirty.md'));
    renameSync(join(ws.runtime, 'tasks', 'queue', 'task-blocked.md'), join(ws.runtime, 'tasks', 'blocked', 'task-blocked.md'));
    worktree('task-clean');
    const dirty = worktree('task-dirty');
    writeFileSync(join(dirty, 'unsaved.txt'), 'agent work\n');
    const blocked = worktree('task-blocked');
    writeFileSync(join(blocked, 'inspect.txt'), 'kept for inspection\n');
    // Branches without worktree of unknown tasks: one merged, one with a commit that is not on main.
    gitIn(ws.root, 'branch', 'millrace/ghost-merged');
    const side = worktree('ghost-work');
    writeFileSync(join(side, 'work.txt'), 'work\n');
    gitIn(side, 'add', '-A');
    gitIn(side, 'commit', '-q', '-m', 'work');
    gitIn(ws.root, 'worktree', 'remove', side);
    // A stale index lock in the checkout (its git is gone), and one in a worktree a running git works in.
    writeFileSync(join(ws.root, '.git', 'index.lock'), '');
    const blockedLock = gitIn(blocked, 'rev-parse', '--git-path', 'index.lock');
    const heldLock = blockedLock.startsWith('/') ? blockedLock : join(blocked, blockedLock);
    mkdirSync(join(heldLock, '..'), { recursive: true });
    writeFileSync(heldLock, '');
    const runningGit = execa('git', ['cat-file', '--batch'], { cwd: blocked, reject: false, stdin: 'pipe' });
    try {
      const before = JSON.parse((await millrace(['doctor', '-w', ws.root, '--json'])).stdout) as { result: { findings: Array<{ code: string; path: string }> } };
      const codes = before.result.findings.map((f) => f.code).filter((c) => c.startsWith('orphan_task_') || c.includes('index_lock')).sort();
      expect(codes).toEqual(['orphan_task_branch', 'orphan_task_branch', 'orphan_task_worktree', 'orphan_task_worktree', 'stale_git_index_lock']);

      const fixed = JSON.parse((await millrace(['doctor', '-w', ws.root, '--fix', '--json'])).stdout) as { result: { repair: { worktrees: Array<{ target: string; action: string }> } } };
      const actions = Object.fromEntries(fixed.result.repair.worktrees.map((w) => [w.target.replace(`${ws.root}/`, ''), w.action]));
      expect(actions).toEqual({
        '.git/index.lock': 'removed',
        'millrace-agents/worktrees/task-clean': 'removed',
        'millrace/task-clean': 'removed',
        'millrace-agents/worktrees/task-dirty': 'committed_and_removed',
        'millrace/task-dirty': 'kept',
        'millrace/ghost-merged': 'removed',
        'millrace/ghost-work': 'kept',
      });
      // Nothing was lost: the uncommitted work is on its kept branch, the unmerged branch is intact.
      expect(gitIn(ws.root, 'show', 'millrace/task-dirty:unsaved.txt')).toBe('agent work');
      expect(gitIn(ws.root, 'show', 'millrace/ghost-work:work.txt')).toBe('work');
      expect(existsSync(dirty)).toBe(false);
      expect(existsSync(join(trees, 'task-clean'))).toBe(false);
      expect(gitIn(ws.root, 'branch', '--list', 'millrace/*').split('\n').map((b) => b.replace(/^[*+ ]+/, '')).sort()).toEqual(['millrace/ghost-work', 'millrace/task-blocked', 'millrace/task-dirty']);
      // The blocked task's worktree stays, and so does the lock its running git holds.
      expect(readFileSync(join(blocked, 'inspect.txt'), 'utf8')).toBe('kept for inspection\n');
      expect(existsSync(heldLock)).toBe(true);
      expect(existsSync(join(ws.root, '.git', 'index.lock'))).toBe(false);
    } finally {
      runningGit.kill('SIGKILL');
      await runningGit;
    }
  }, 300_000);

  it('a lane daemon removes a stale index lock a killed git left, so integration still succeeds', async () => {
    const ws = await createLaneWorkspace({ execution: 'max_parallel = 2\nisolation = "worktree"', sleepMs: 0 });
    writeLaneTask(ws, 'task-a', ['out'], '2026-11-27T10:00:00Z');
    writeFileSync(join(ws.root, '.git', 'index.lock'), '');
    const run = await runDaemonUntil(ws, () => taskFolder(ws, 'done').length + taskFolder(ws, 'blocked').length === 1);
    expect(run.exitCode).toBe(130);
    expect(taskFolder(ws, 'done')).toEqual(['task-a.md']);
    expect(readFileSync(join(ws.root, 'out', 'task-a-builder.txt'), 'utf8')).toBe('task-a builder\n');
  }, 300_000);

  it('integrating one lane never overlaps another lane applying state, while the other lanes keep running their stages', async () => {
    // Stages of task-b and task-c take longer, so they are still running (and finishing) while task-a integrates.
    const ws = await createLaneWorkspace({ execution: 'max_parallel = 3\nisolation = "worktree"', sleepMs: 300, extraMs: { 'task-b': 900, 'task-c': 1800 } });
    const ids = ['task-a', 'task-b', 'task-c'];
    ids.forEach((id, i) => writeLaneTask(ws, id, ['out'], `2026-11-27T10:00:0${i}Z`));
    // A pre-merge-commit hook makes every integration take 1.5 s and records, at its start and end, the runtime's
    // state: events log size, snapshot and queue folders. A single writer leaves them unchanged across the hook.
    const hookLog = join(ws.runtime, '..', 'merge-hook.log');
    const state = `$(wc -c < "${ws.runtime}/logs/runtime_events.jsonl") $(md5sum < "${ws.runtime}/state/runtime_snapshot.json" | cut -c1-32) $(ls "${ws.runtime}/tasks/"* | md5sum | cut -c1-32)`;
    const hook = join(ws.root, '.git', 'hooks', 'pre-merge-commit');
    writeFileSync(hook, `#!/bin/sh\nbefore="${state}"\nstart=$(date +%s%3N)\nsleep 1.5\necho "$start $(date +%s%3N) $before | ${state}" >> "${hookLog}"\n`, { mode: 0o755 });
    const run = await runDaemonUntil(ws, () => taskFolder(ws, 'done').length + taskFolder(ws, 'blocked').length === ids.length);
    expect(run.exitCode).toBe(130);
    expect(taskFolder(ws, 'done')).toEqual(ids.map((id) => `${id}.md`));
    const windows = readFileSync(hookLog, 'utf8').trim().split('\n').map((line) => {
      const [times, before, after] = [line.split(' ').slice(0, 2), ...line.split(' ').slice(2).join(' ').split(' | ')];
      return { from: Number(times![0]), to: Number(times![1]), before: before!.trim(), after: after!.trim() };
    });
    expect(windows).toHaveLength(ids.length);
    for (const w of windows) expect(w.after).toBe(w.before);
    // Meanwhile other lanes' stages did run and finish: their results waited for the integration to end.
    const ends = readAgentLog(ws.log).filter((r) => r.event === 'end');
    expect(windows.some((w) => ends.some((e) => e.at > w.from && e.at < w.to))).toBe(true);
  }, 300_000);
});

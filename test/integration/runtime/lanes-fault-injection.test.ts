import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecoveryCountersSchema, RuntimeSnapshotSchema } from '../../../src/contracts/runtime-state.js';
import { createLaneWorkspace, gitIn, runDaemonUntil, taskFolder, writeLaneTask, type LaneWorkspace } from '../../support/lanes-workspace.js';
import { BIN, mdIn, readEventsAfterKills } from '../../support/runtime-workspace.js';

const TASKS = ['task-a', 'task-b', 'task-c', 'task-d', 'task-e', 'task-f'];
const FOLDERS = ['queue', 'active', 'done', 'blocked'] as const;

function checkInvariants(ws: LaneWorkspace): void {
  const where = new Map<string, string[]>();
  for (const folder of FOLDERS) for (const name of mdIn(join(ws.runtime, 'tasks', folder))) where.set(name, [...(where.get(name) ?? []), folder]);
  for (const id of TASKS) expect({ id, places: where.get(`${id}.md`) ?? [] }).toEqual({ id, places: [expect.any(String)] });
  expect(where.size).toBe(TASKS.length);
  expect(taskFolder(ws, 'active').length).toBeLessThanOrEqual(3);
  const snapshot = RuntimeSnapshotSchema.parse(JSON.parse(readFileSync(join(ws.runtime, 'state', 'runtime_snapshot.json'), 'utf8')));
  RecoveryCountersSchema.parse(JSON.parse(readFileSync(join(ws.runtime, 'state', 'recovery_counters.json'), 'utf8')));
  const lanes = snapshot.execution_lanes ?? [];
  expect(lanes.length).toBeLessThanOrEqual(3);
  // A lane never holds a finished task, and no task is in two lanes.
  const laneItems = lanes.map((l) => l.run.work_item_id);
  expect(new Set(laneItems).size).toBe(laneItems.length);
  const done = new Set(taskFolder(ws, 'done').map((n) => n.slice(0, -3)));
  for (const id of laneItems) expect(done.has(id!)).toBe(false);
}

const KILL_ROUNDS = 6;

describe('crash safety with lanes', () => {
  it('survives SIGKILL of a daemon with 3 busy worktree lanes and finishes every task exactly once', async () => {
    const ws = await createLaneWorkspace({ execution: 'max_parallel = 3\nisolation = "worktree"', sleepMs: 400 });
    TASKS.forEach((id, i) => writeLaneTask(ws, id, ['out'], `2026-11-27T10:00:0${i}Z`));
    let seed = 11;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    let killedWithBusyLanes = 0;
    for (let round = 0; round < KILL_ROUNDS; round++) {
      const child = execa('node', [BIN, 'run', 'daemon', '-w', ws.root], { reject: false, env: { CI: '1' } });
      const lock = join(ws.runtime, 'state', 'runtime_daemon.lock.json');
      for (let waited = 0; !existsSync(lock) && waited < 20_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      // Kill while several lanes are busy (or whenever the remaining work allows), at a random point of their work.
      for (let waited = 0; taskFolder(ws, 'active').length < 2 && waited < 20_000 && child.exitCode === null; waited += 25) await new Promise((r) => setTimeout(r, 25));
      await new Promise((r) => setTimeout(r, Math.floor(random() * 1200)));
      if (taskFolder(ws, 'active').length > 1) killedWithBusyLanes++;
      child.kill('SIGKILL');
      await child;
      checkInvariants(ws);
      if (taskFolder(ws, 'done').length === TASKS.length) break;
    }
    const final = await runDaemonUntil(ws, () => taskFolder(ws, 'done').length === TASKS.length);
    expect(final.exitCode).toBe(130);
    checkInvariants(ws);
    expect(taskFolder(ws, 'done')).toHaveLength(TASKS.length);
    expect(existsSync(join(ws.runtime, 'state', 'runtime_daemon.lock.json'))).toBe(false);
    expect(killedWithBusyLanes).toBeGreaterThan(0);
    const { events, torn } = readEventsAfterKills(ws.runtime);
    expect(torn).toBeLessThanOrEqual(KILL_ROUNDS);
    expect(events.filter((e) => e.event_type === 'runtime_daemon_lock_stale_taken_over').length).toBeGreaterThan(0);
    // Every task's work reached the base branch once, and no task worktree or branch is left.
    for (const id of TASKS) for (const stage of ['builder', 'checker', 'updater']) expect(readFileSync(join(ws.root, 'out', `${id}-${stage}.txt`), 'utf8')).toBe(`${id} ${stage}\n`);
    expect(gitIn(ws.root, 'status', '--porcelain', '--untracked-files=no')).toBe('');
    expect(gitIn(ws.root, 'branch', '--list', 'millrace/*')).toBe('');
  }, 300_000);
});

import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecoveryCountersSchema, RuntimeSnapshotSchema } from '../../../src/contracts/runtime-state.js';
import { BIN, createRuntimeWorkspace, mdIn, millrace, readEvents, writeTask } from '../../support/runtime-workspace.js';

const TASKS = ['task-a', 'task-b', 'task-c', 'task-d'];
const FOLDERS = ['queue', 'active', 'done', 'blocked'] as const;

function checkInvariants(runtime: string): { done: number } {
  const where = new Map<string, string[]>();
  for (const folder of FOLDERS) {
    for (const name of mdIn(join(runtime, 'tasks', folder))) where.set(name, [...(where.get(name) ?? []), folder]);
  }
  for (const id of TASKS) expect({ id, places: where.get(`${id}.md`) ?? [] }).toEqual({ id, places: [expect.any(String)] });
  expect(where.size).toBe(TASKS.length);
  expect(mdIn(join(runtime, 'tasks', 'active')).length).toBeLessThanOrEqual(1);
  const snapshot = RuntimeSnapshotSchema.parse(JSON.parse(readFileSync(join(runtime, 'state', 'runtime_snapshot.json'), 'utf8')));
  const counters = RecoveryCountersSchema.parse(JSON.parse(readFileSync(join(runtime, 'state', 'recovery_counters.json'), 'utf8')));
  // Counter entries only ever belong to work that has not finished.
  const finished = new Set(mdIn(join(runtime, 'tasks', 'done')).map((n) => n.slice(0, -3)));
  for (const e of counters.entries) expect(finished.has(e.work_item_id) && snapshot.active_work_item_id !== e.work_item_id).toBe(false);
  return { done: mdIn(join(runtime, 'tasks', 'done')).length };
}

describe('crash safety', () => {
  it('survives SIGKILL of a real daemon at random points and still finishes every task exactly once', async () => {
    const ws = await createRuntimeWorkspace({ extraToml: '' });
    TASKS.forEach((id, i) => writeTask(ws.runtime, id, {}, `2026-11-27T10:00:0${i}Z`));
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let round = 0; round < 6; round++) {
      const child = execa('node', [BIN, 'run', 'daemon', '-w', ws.root], { reject: false, env: { CI: '1', FAKE_AGENT_SLEEP_MS: '40' } });
      // Kill only once the daemon owns the workspace, at a random point of its work.
      const lock = join(ws.runtime, 'state', 'runtime_daemon.lock.json');
      for (let waited = 0; !existsSync(lock) && waited < 20_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, Math.floor(random() * 1500)));
      child.kill('SIGKILL');
      await child;
      checkInvariants(ws.runtime);
      if (mdIn(join(ws.runtime, 'tasks', 'done')).length === TASKS.length) break;
    }
    const final = await millrace(['run', 'daemon', '-w', ws.root, '--max-ticks', '80'], { timeout: 60_000 });
    expect(final.exitCode).toBe(0);
    expect(checkInvariants(ws.runtime).done).toBe(TASKS.length);
    expect(existsSync(join(ws.runtime, 'state', 'runtime_daemon.lock.json'))).toBe(false);
    // The kills really hit live daemons: their stale locks were taken over on restart.
    expect(readEvents(ws.runtime).filter((e) => e.event_type === 'runtime_daemon_lock_stale_taken_over').length).toBeGreaterThan(0);
  }, 150_000);
});

import { execa, type ResultPromise } from 'execa';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecoveryCountersSchema, RuntimeSnapshotSchema } from '../../../src/contracts/runtime-state.js';
import { BIN, createRuntimeWorkspace, mdIn, millrace, readEventsAfterKills, writeTask } from '../../support/runtime-workspace.js';

// Crash safety: real daemons SIGKILLed at random points, while `queue add-task` processes (direct or through the
// mailbox, whichever the lock says) are started and SIGKILLed too. Several workspaces run side by side (each is
// independent) to keep the wall time bounded; every assertion holds per workspace after every kill.
const LANES = 4;
const KILLS_PER_LANE = 26; // 104 daemon kills in all, plus the add-task kills
const SEEDED = ['task-a', 'task-b', 'task-c', 'task-d'];
const FOLDERS = ['queue', 'active', 'done', 'blocked'] as const;

type Lane = { root: string; runtime: string; added: Set<string>; attempted: Set<string>; killedOwners: number };

function places(runtime: string): Map<string, string[]> {
  const where = new Map<string, string[]>();
  for (const folder of FOLDERS) {
    for (const name of mdIn(join(runtime, 'tasks', folder))) where.set(name.slice(0, -3), [...(where.get(name.slice(0, -3)) ?? []), folder]);
  }
  return where;
}

/** Pending mailbox envelopes that add a task (added once the next daemon drains them). */
function pendingAdds(runtime: string): Set<string> {
  const dir = join(runtime, 'state', 'mailbox', 'incoming');
  const ids = new Set<string>();
  for (const name of existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.json')) : []) {
    try {
      const envelope = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { command: string; payload: { document?: { task_id?: string } } };
      if (envelope.command === 'add_task' && envelope.payload.document?.task_id) ids.add(envelope.payload.document.task_id);
    } catch {
      // a torn envelope cannot exist: writes are temp file + link
      throw new Error(`unreadable mailbox envelope ${name}`);
    }
  }
  return ids;
}

/** Folder pairs (from, to) of the queue moves a killed process left recorded, by task id. */
function recordedMoves(runtime: string): Map<string, string[]> {
  const dir = join(runtime, 'state', 'queue_moves');
  const moves = new Map<string, string[]>();
  for (const name of existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.json')) : []) {
    const intent = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { kind: string; id: string; from: string; to: string };
    if (intent.kind === 'task') moves.set(intent.id, [intent.from, intent.to]);
  }
  return moves;
}

function checkInvariants(lane: Lane, final: boolean): { done: number } {
  const where = places(lane.runtime);
  // Every task is in exactly one folder: nothing duplicated. The one exception is the move's own crash window (the
  // destination linked, the source not yet removed): two copies, with the move's intent recorded naming exactly those
  // two folders, which the next daemon's start-up repair resolves. None is left at the end.
  const moves = final ? new Map<string, string[]>() : recordedMoves(lane.runtime);
  for (const [id, folders] of where) {
    const move = moves.get(id);
    const expected = folders.length === 2 && move && [...move].sort().join() === [...folders].sort().join() ? folders : [expect.any(String)];
    expect({ id, folders }).toEqual({ id, folders: expected });
  }
  // Nothing lost: seeded tasks and every add-task that reported success exist (or wait in the mailbox).
  const pending = pendingAdds(lane.runtime);
  for (const id of [...SEEDED, ...lane.added]) expect({ id, present: where.has(id) || (!final && pending.has(id)) }).toEqual({ id, present: true });
  // Only tasks somebody tried to add exist.
  for (const id of where.keys()) expect({ id, known: SEEDED.includes(id) || lane.attempted.has(id) }).toEqual({ id, known: true });
  expect(mdIn(join(lane.runtime, 'tasks', 'active')).length).toBeLessThanOrEqual(1);
  const snapshot = RuntimeSnapshotSchema.parse(JSON.parse(readFileSync(join(lane.runtime, 'state', 'runtime_snapshot.json'), 'utf8')));
  const counters = RecoveryCountersSchema.parse(JSON.parse(readFileSync(join(lane.runtime, 'state', 'recovery_counters.json'), 'utf8')));
  // Counter entries only ever belong to work that has not finished.
  const finished = new Set(mdIn(join(lane.runtime, 'tasks', 'done')).map((n) => n.slice(0, -3)));
  for (const e of counters.entries) expect(finished.has(e.work_item_id) && snapshot.active_work_item_id !== e.work_item_id).toBe(false);
  return { done: finished.size };
}

/** Running: exists and is not a zombie. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

/** Live processes started for this lane's agents (supervisors and agents carry the lane's agent script in their env). */
function laneAgentProcesses(lane: Lane): number[] {
  const marker = `FAKE_AGENT_SCRIPT=${join(lane.root, 'agent-script.json')}`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || !running(Number(entry))) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(marker)) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

/** The pid the lock file names, or null (no lock, or one being replaced). */
function lockOwner(lock: string): number | null {
  try {
    return (JSON.parse(readFileSync(lock, 'utf8')) as { owner_pid: number }).owner_pid;
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function killRounds(lane: Lane, random: () => number): Promise<void> {
  const lock = join(lane.runtime, 'state', 'runtime_daemon.lock.json');
  for (let round = 0; round < KILLS_PER_LANE; round++) {
    const daemon = execa('node', [BIN, 'run', 'daemon', '-w', lane.root], { reject: false, env: { CI: '1', FAKE_AGENT_SLEEP_MS: '40' } });
    // Every other round a task is added at the same time, and half of those adds are killed mid-way.
    let adder: ResultPromise | null = null;
    const id = `task-r${round}`;
    if (round % 2 === 0) {
      const file = join(lane.root, `${id}.md`);
      writeFileSync(file, ['---', `task_id: ${id}`, `title: Added in round ${round}`, 'target_paths: [src/a.ts]', 'acceptance: [works]', 'required_checks: [npm test]', 'references: [none]', 'risk: [low]', '---', `Body of ${id}.`, ''].join('\n'));
      lane.attempted.add(id);
      adder = execa('node', [BIN, 'queue', 'add-task', file, '-w', lane.root], { reject: false, env: { CI: '1' } });
    }
    // Until this daemon owns the workspace (a stale lock of the previous one is there from the start).
    for (let waited = 0; lockOwner(lock) !== daemon.pid && waited < 30_000 && daemon.exitCode === null; waited += 25) await sleep(25);
    await sleep(Math.floor(random() * 1200));
    if (adder && round % 4 === 0) adder.kill('SIGKILL');
    // Count the kills that hit the daemon while it owned the workspace (the lock names it).
    if (lockOwner(lock) === daemon.pid) lane.killedOwners++;
    daemon.kill('SIGKILL');
    await daemon;
    if (adder) {
      const result = await adder;
      if (result.exitCode === 0) lane.added.add(id);
    }
    checkInvariants(lane, false);
  }
}

describe('crash safety', () => {
  it('survives 100+ SIGKILLs of real daemons and add-task processes: nothing lost or duplicated, no orphan agent left', async () => {
    const lanes: Lane[] = [];
    for (let i = 0; i < LANES; i++) {
      const ws = await createRuntimeWorkspace({ extraToml: '' });
      SEEDED.forEach((id, n) => writeTask(ws.runtime, id, {}, `2026-11-27T10:00:0${n}Z`));
      lanes.push({ root: ws.root, runtime: ws.runtime, added: new Set(), attempted: new Set(), killedOwners: 0 });
    }
    await Promise.all(
      lanes.map((lane, i) => {
        let seed = 7 + i * 101;
        return killRounds(lane, () => (seed = (seed * 48271) % 2147483647) / 2147483647);
      }),
    );
    await Promise.all(
      lanes.map(async (lane) => {
        const final = await millrace(['run', 'daemon', '-w', lane.root, '--max-ticks', '200'], { timeout: 240_000 });
        expect(final.exitCode).toBe(0);
        const { done } = checkInvariants(lane, true);
        expect(done).toBe(places(lane.runtime).size);
        expect(existsSync(join(lane.runtime, 'state', 'runtime_daemon.lock.json'))).toBe(false);
        // The kills really hit live daemons that owned the workspace, and their stale locks were taken over on restart.
        expect(lane.killedOwners).toBeGreaterThan(KILLS_PER_LANE / 2);
        // A kill between two pages of an append leaves at most one record cut short, which readers skip.
        const { events, torn } = readEventsAfterKills(lane.runtime);
        expect(torn).toBeLessThanOrEqual(KILLS_PER_LANE);
        expect(events.filter((e) => e.event_type === 'runtime_daemon_lock_stale_taken_over').length).toBeGreaterThan(0);
        // No agent outlived its daemon (supervisors end their group within seconds of the daemon's death).
        const deadline = Date.now() + 20_000;
        while (laneAgentProcesses(lane).length > 0 && Date.now() < deadline) await sleep(200);
        expect(laneAgentProcesses(lane)).toEqual([]);
      }),
    );
  }, 1_200_000); // 596 s measured on a 2-core machine shared with seven other test runs
});

import { jest } from '@jest/globals';
import { readdirSync, renameSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writerTempPid } from '@millrace/plugin-api';
import type { RuntimeSnapshot } from '../../src/contracts/runtime-state.js';
import { createRuntimeWorkspace, mdIn, millrace, readEvents, readJson, writeTask } from '../support/runtime-workspace.js';

jest.setTimeout(120_000);

/** Counts the files renamed onto each name in `dir` (an atomic replacement) while `body` runs. */
async function countReplacements(dir: string, body: () => Promise<void>): Promise<Map<string, number>> {
  const replaced = new Map<string, number>();
  const sentinel = 'replacements-counted.sentinel';
  let sentinelSeen = false;
  const watcher = watch(dir, (event, name) => {
    if (event !== 'rename' || !name) return;
    if (name === sentinel) sentinelSeen = true;
    else replaced.set(name, (replaced.get(name) ?? 0) + 1);
  });
  try {
    await body();
    // The watch reports changes in order: once the sentinel's rename arrives, every earlier one has.
    writeFileSync(join(dir, `${sentinel}.tmp`), '');
    renameSync(join(dir, `${sentinel}.tmp`), join(dir, sentinel));
    for (let waited = 0; !sentinelSeen; waited += 20) {
      if (waited > 30_000) throw new Error('the watch never reported the sentinel');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    watcher.close();
  }
  return replaced;
}

describe('state writes per stage (docs/runtime.md, Persistence per stage)', () => {
  it("a stage whose item goes on is saved with the next stage's start: one task's three stages replace the snapshot and the status file only where a stage starts or the item finishes", async () => {
    const ws = await createRuntimeWorkspace();
    writeTask(ws.runtime, 'task-1');
    const state = join(ws.runtime, 'state');
    const replaced = await countReplacements(state, async () => {
      const run = await millrace(['run', 'daemon', '-w', ws.root, '--max-ticks', '3', '--json']);
      expect(run.exitCode).toBe(0);
    });
    // Builder -> checker -> updater, then done: the outcomes that send the run on (builder, checker) are saved by the
    // next stage's start.
    expect(readEvents(ws.runtime).filter((e) => e.event_type === 'stage_started').map((e) => e.data.stage)).toEqual(['builder', 'checker', 'updater']);
    expect(mdIn(join(ws.runtime, 'tasks', 'done'))).toEqual(['task-1.md']);
    // Snapshot: start-up (orphan repair leaves its changes to start-up's own save), the three stage starts, the finished
    // item, close. Saving every outcome on its own and the repair's own save made it 9.
    expect(replaced.get('runtime_snapshot.json')).toBe(6);
    // Execution status: the three running markers and the final idle marker (6 with the builder's and checker's own).
    expect(replaced.get('execution_status.md')).toBe(4);
    const snapshot = readJson<RuntimeSnapshot>(join(state, 'runtime_snapshot.json'));
    expect(snapshot).toMatchObject({ process_running: false, active_stage: null, execution_status_marker: '### IDLE', last_terminal_result: 'UPDATE_COMPLETE' });
    // The old versions the saves retired (replaceTextAtomic) are all removed by the time the daemon exits.
    expect(readdirSync(state).filter((name) => writerTempPid(name) !== null)).toEqual([]);
  });

  it('an outcome left unsaved by the last tick is saved when the daemon closes', async () => {
    const ws = await createRuntimeWorkspace();
    writeTask(ws.runtime, 'task-1');
    const run = await millrace(['run', 'daemon', '-w', ws.root, '--max-ticks', '1', '--json']);
    expect(run.exitCode).toBe(0);
    const snapshot = readJson<RuntimeSnapshot>(join(ws.runtime, 'state', 'runtime_snapshot.json'));
    expect(snapshot).toMatchObject({ process_running: false, active_stage: 'checker', execution_status_marker: '### BUILDER_COMPLETE', last_terminal_result: 'BUILDER_COMPLETE' });
    expect(snapshot.last_stage_result_path).toMatch(/^millrace-agents\/runs\/run-[0-9a-f]{32}\/stage_results\/request-[0-9a-f]{32}\.json$/);
    expect((await millrace(['run', 'daemon', '-w', ws.root, '--max-ticks', '2', '--json'])).exitCode).toBe(0);
    expect(readEvents(ws.runtime).filter((e) => e.event_type === 'stage_started').map((e) => e.data.stage)).toEqual(['builder', 'checker', 'updater']);
    expect(mdIn(join(ws.runtime, 'tasks', 'done'))).toEqual(['task-1.md']);
  });
});

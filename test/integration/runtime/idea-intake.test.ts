import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuntimeSnapshot } from '../../../src/contracts/runtime-state.js';
import { createIdeaIntake } from '../../../src/runtime/intake/intake-step.js';
import type { TickStepContext } from '../../../src/runtime/tick-steps.js';
import { initWorkspace } from '../../../src/workspace/init/init-workspace.js';
import { workspacePaths, type WorkspacePaths } from '../../../src/workspace/paths.js';

// The intake step of the tick: the first tick reads the inbox and does not wait for the watcher to be ready.

async function withWorkspace(fn: (paths: WorkspacePaths) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'millrace-intake-'));
  try {
    await initWorkspace({ workspaceRoot: root, packageVersion: '0.0.0' });
    await fn(workspacePaths(root));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function tickContext(paths: WorkspacePaths, events: string[]): TickStepContext {
  const state = { snapshot: { watcher_mode: 'poll' } as RuntimeSnapshot, counters: { entries: [] } as never };
  return {
    paths,
    plan: {} as never,
    config: { watchers: { enabled: true, watch_ideas_inbox: true, debounce_ms: 50 } },
    state,
    now: () => new Date(),
    newId: (prefix) => `${prefix}-1`,
    appendEvent: async (type) => void events.push(type),
    saveSnapshot: async () => undefined,
    saveCounters: async () => undefined,
    setPlaneStatus: async () => undefined,
    resetToIdle: async () => undefined,
    refreshQueueDepths: async () => undefined,
  };
}

const specQueued = (paths: WorkspacePaths, id: string) => existsSync(join(paths.specs.queue, `${id}.md`));

async function tickUntil(step: () => Promise<void>, done: () => boolean, timeoutMs = 20_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!done() && Date.now() < end) {
    await step();
    await new Promise((r) => setTimeout(r, 50));
  }
  return done();
}

describe('idea intake', () => {
  it('the first tick takes the ideas already there without waiting for the watcher; later ticks take new ones', async () => {
    await withWorkspace(async (paths) => {
      await mkdir(paths.ideasInbox, { recursive: true });
      await writeFile(join(paths.ideasInbox, 'early.md'), '# Early\n\nFirst idea.\n');
      const events: string[] = [];
      const ctx = tickContext(paths, events);
      const intake = createIdeaIntake();
      try {
        await intake.step(ctx);
        expect(specQueued(paths, 'idea-early')).toBe(true);
        // The watcher is still starting: the snapshot says how the inbox is watched from the next tick on.
        expect(ctx.state.snapshot.watcher_mode).toBe('poll');
        await writeFile(join(paths.ideasInbox, 'late.md'), '# Late\n\nSecond idea.\n');
        expect(await tickUntil(() => intake.step(ctx), () => specQueued(paths, 'idea-late'))).toBe(true);
        expect(ctx.state.snapshot.watcher_mode).toBe('watch');
        expect(events.filter((e) => e === 'idea_normalized_to_spec')).toHaveLength(2);
      } finally {
        await intake.close();
      }
    });
  }, 60_000);

  it('a one-tick runtime reads the inbox once and watches nothing', async () => {
    await withWorkspace(async (paths) => {
      await mkdir(paths.ideasInbox, { recursive: true });
      await writeFile(join(paths.ideasInbox, 'early.md'), '# Early\n\nFirst idea.\n');
      const ctx = tickContext(paths, []);
      const intake = createIdeaIntake({ watch: false });
      await intake.step(ctx);
      expect(specQueued(paths, 'idea-early')).toBe(true);
      await writeFile(join(paths.ideasInbox, 'late.md'), '# Late\n\nSecond idea.\n');
      // Long past the 50 ms debounce a watcher would have reported it after.
      for (let i = 0; i < 5; i += 1) {
        await new Promise((r) => setTimeout(r, 200));
        await intake.step(ctx);
      }
      expect(specQueued(paths, 'idea-late')).toBe(false);
      expect(ctx.state.snapshot.watcher_mode).toBe('poll');
      await intake.close();
    });
  }, 60_000);
});

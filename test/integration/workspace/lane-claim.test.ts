import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { claimNextLaneTask, enqueueWorkItem, moveWorkItem } from '../../../src/workspace/queue/index.js';
import { aTask } from '../../support/work-documents.js';
import { withQueueWorkspace, writeText } from '../../support/queue-workspace.js';

describe('claimNextLaneTask', () => {
  it('claims up to the lane count, skips overlapping tasks with isolation none, and waits for dependencies', () =>
    withQueueWorkspace(async (paths) => {
      await enqueueWorkItem(paths, aTask({ task_id: 't-a', created_at: '2026-04-15T10:00:00Z', target_paths: ['src/api'] }));
      await enqueueWorkItem(paths, aTask({ task_id: 't-b', created_at: '2026-04-15T11:00:00Z', target_paths: ['src/api/x.ts'] }));
      await enqueueWorkItem(paths, aTask({ task_id: 't-c', created_at: '2026-04-15T12:00:00Z', target_paths: ['docs'] }));
      await enqueueWorkItem(paths, aTask({ task_id: 't-d', created_at: '2026-04-15T09:00:00Z', target_paths: ['lib'], depends_on: ['t-a'] }));
      const options = { isolation: 'none' as const, maxActive: 3 };
      expect(await claimNextLaneTask(paths, options)).toMatchObject({ status: 'claimed', item: { id: 't-a', state: 'active' } });
      expect(await claimNextLaneTask(paths, options)).toMatchObject({ status: 'claimed', item: { id: 't-c' } });
      expect(await claimNextLaneTask(paths, options)).toEqual({ status: 'idle', waiting: 2 });
      await moveWorkItem(paths, 'task', 't-a', 'active', 'done');
      expect(await claimNextLaneTask(paths, options)).toMatchObject({ status: 'claimed', item: { id: 't-d' } });
      expect(await claimNextLaneTask(paths, options)).toMatchObject({ status: 'claimed', item: { id: 't-b' } });
      expect(await claimNextLaneTask(paths, options)).toEqual({ status: 'full', active: 3 });
    }));

  it('counts an invalid active document as an occupied lane and never moves it', () =>
    withQueueWorkspace(async (paths) => {
      await enqueueWorkItem(paths, aTask({ task_id: 't-a' }));
      await writeText(join(paths.tasks.active, 'broken.md'), '# nothing here\n');
      expect(await claimNextLaneTask(paths, { isolation: 'worktree', maxActive: 1 })).toEqual({ status: 'full', active: 1 });
      expect(await claimNextLaneTask(paths, { isolation: 'worktree', maxActive: 2 })).toMatchObject({ status: 'claimed', item: { id: 't-a' } });
      expect(await readFile(join(paths.tasks.active, 'broken.md'), 'utf8')).toBe('# nothing here\n');
    }));
});

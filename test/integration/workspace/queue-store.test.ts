import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { renderWorkDocument } from '../../../src/workspace/documents/index.js';
import {
  claimNextWorkItem,
  documentPath,
  enqueueWorkItem,
  listQueue,
  locateWorkItem,
  moveWorkItem,
  readWorkItem,
  requeueWorkItem,
} from '../../../src/workspace/queue/index.js';
import { aSpec, aTask, anIncident } from '../../support/work-documents.js';
import { snapshotTree, withQueueWorkspace, writeText } from '../../support/queue-workspace.js';

describe('enqueue', () => {
  it('writes the canonical rendering into the intake folder of each kind', () =>
    withQueueWorkspace(async (paths) => {
      const task = await enqueueWorkItem(paths, aTask({ task_id: 't-1' }));
      const spec = await enqueueWorkItem(paths, aSpec({ spec_id: 's-1' }));
      const incident = await enqueueWorkItem(paths, anIncident({ incident_id: 'i-1' }));
      expect([task.state, spec.state, incident.state]).toEqual(['queue', 'queue', 'incoming']);
      expect(await readFile(task.path, 'utf8')).toBe(renderWorkDocument(aTask({ task_id: 't-1' })));
      expect(incident.path).toBe(join(paths.incidents.incoming, 'i-1.md'));
    }));

  it('refuses an id already used anywhere in the workspace, whatever the kind or folder, and writes nothing', () =>
    withQueueWorkspace(async (paths) => {
      await writeText(documentPath(paths, 'task', 'done', 'shared'), renderWorkDocument(aTask({ task_id: 'shared' })));
      const before = await snapshotTree(paths.runtimeRoot);
      await expect(enqueueWorkItem(paths, aTask({ task_id: 'shared' }))).rejects.toMatchObject({ code: 'DUPLICATE_ID', exitCode: 1, message: 'task shared already exists at tasks/done/shared.md' });
      await expect(enqueueWorkItem(paths, aSpec({ spec_id: 'shared' }))).rejects.toMatchObject({ code: 'DUPLICATE_ID' });
      expect(await snapshotTree(paths.runtimeRoot)).toEqual(before);
    }));
});

describe('listQueue and locate', () => {
  it('reports invalid documents and stem mismatches without touching them, and finds duplicates', () =>
    withQueueWorkspace(async (paths) => {
      await enqueueWorkItem(paths, aTask({ task_id: 'good' }));
      const broken = '# Broken\nTask-ID: broken\n';
      await writeText(join(paths.tasks.queue, 'broken.md'), broken);
      await writeText(join(paths.tasks.queue, 'renamed.md'), renderWorkDocument(aTask({ task_id: 'other' })));
      await writeText(join(paths.tasks.active, 'good.md'), renderWorkDocument(aTask({ task_id: 'good' })));
      await writeText(join(paths.tasks.queue, 'notes.txt'), 'ignored');
      const listing = await listQueue(paths);
      expect(listing.items.map((i) => `${i.state}/${i.id}`).sort()).toEqual(['active/good', 'queue/good']);
      expect(listing.invalid.map((i) => i.id).sort()).toEqual(['broken', 'renamed']);
      const renamed = listing.invalid.find((i) => i.id === 'renamed')!;
      expect(renamed.problems).toEqual([{ file: 'tasks/queue/renamed.md', field: 'task_id', message: 'must equal the file name stem: expected renamed, found other' }]);
      expect(listing.invalid.find((i) => i.id === 'broken')!.problems.map((p) => p.field)).toContain('acceptance');
      expect(listing.duplicates).toEqual([{ kind: 'task', id: 'good', locations: expect.any(Array) }]);
      expect(await readFile(join(paths.tasks.queue, 'broken.md'), 'utf8')).toBe(broken);
    }));

  it('locates ids in the documented search order and reads them; invalid ones fail with one line per problem', () =>
    withQueueWorkspace(async (paths) => {
      await enqueueWorkItem(paths, anIncident({ incident_id: 'inc-1' }));
      expect(await locateWorkItem(paths, 'inc-1')).toMatchObject({ kind: 'incident', state: 'incoming' });
      expect(await locateWorkItem(paths, 'nope')).toBeUndefined();
      await expect(locateWorkItem(paths, '../escape')).rejects.toMatchObject({ code: 'ID_INVALID' });
      expect((await readWorkItem(paths, 'inc-1')).document.fields.title).toBe('Login task needs planning');
      await writeText(join(paths.specs.blocked, 'bad-spec.md'), '# Bad\nSpec-ID: bad-spec\nSource-Type: nope\n');
      await expect(readWorkItem(paths, 'bad-spec')).rejects.toMatchObject({ code: 'DOCUMENT_INVALID', file: 'specs/blocked/bad-spec.md', field: 'summary' });
      await expect(readWorkItem(paths, 'missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }));
});

describe('moveWorkItem', () => {
  it('moves the bytes unchanged, or rewrites them canonically with mutate', () =>
    withQueueWorkspace(async (paths) => {
      const legacy = '# T\nTask-ID: t\nCreated-At: 2026-04-15\nCreated-By: x\nTarget-Paths: a\nAcceptance: b\nRequired-Checks: c\nReferences: d\nRisk: e\n';
      await writeText(join(paths.tasks.queue, 't.md'), legacy);
      await moveWorkItem(paths, 'task', 't', 'queue', 'active');
      expect(await readFile(join(paths.tasks.active, 't.md'), 'utf8')).toBe(legacy);
      await moveWorkItem(paths, 'task', 't', 'active', 'done', { mutate: (d) => ({ ...d, fields: { ...d.fields, status_hint: 'done' } }) as typeof d });
      const done = await readWorkItem(paths, 't', 'task');
      expect(done).toMatchObject({ state: 'done', document: { format: 'front_matter', fields: { status_hint: 'done' } } });
      expect(Object.keys(await snapshotTree(paths.runtimeRoot))).toEqual(['tasks/done/t.md']);
    }));

  it('refuses a missing source or an existing destination and leaves both files alone', () =>
    withQueueWorkspace(async (paths) => {
      await enqueueWorkItem(paths, aTask({ task_id: 't' }));
      await writeText(join(paths.tasks.done, 't.md'), 'someone else\n');
      const before = await snapshotTree(paths.runtimeRoot);
      await expect(moveWorkItem(paths, 'task', 't', 'queue', 'done')).rejects.toMatchObject({ code: 'DUPLICATE_ID' });
      await expect(moveWorkItem(paths, 'task', 't', 'active', 'done')).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'task t is not in active' });
      await expect(moveWorkItem(paths, 'task', 't', 'queue', 'resolved')).rejects.toMatchObject({ code: 'INPUT_INVALID' });
      expect(await snapshotTree(paths.runtimeRoot)).toEqual(before);
    }));
});

describe('claimNextWorkItem', () => {
  it('claims tasks in dependency order, one at a time', () =>
    withQueueWorkspace(async (paths) => {
      await enqueueWorkItem(paths, aTask({ task_id: 'task-dependent', created_at: '2026-04-15T12:00:00Z', depends_on: ['task-prereq'] }));
      await enqueueWorkItem(paths, aTask({ task_id: 'task-prereq', created_at: '2026-04-15T12:00:01Z' }));
      await writeText(join(paths.tasks.queue, 'zz-invalid.md'), '# nothing here\n');
      expect(await claimNextWorkItem(paths, 'execution')).toMatchObject({ status: 'claimed', item: { id: 'task-prereq', state: 'active' } });
      expect(await claimNextWorkItem(paths, 'execution')).toEqual({ status: 'busy', activeId: 'task-prereq' });
      await moveWorkItem(paths, 'task', 'task-prereq', 'active', 'done');
      expect(await claimNextWorkItem(paths, 'execution')).toMatchObject({ status: 'claimed', item: { id: 'task-dependent' } });
      await moveWorkItem(paths, 'task', 'task-dependent', 'active', 'blocked');
      expect(await claimNextWorkItem(paths, 'execution')).toEqual({ status: 'idle', waiting: 0 });
      expect(await readFile(join(paths.tasks.queue, 'zz-invalid.md'), 'utf8')).toBe('# nothing here\n');
    }));

  it('claims incidents before specs in planning and refuses several active items', () =>
    withQueueWorkspace(async (paths) => {
      await enqueueWorkItem(paths, aSpec({ spec_id: 'spec-old', created_at: '2020-01-01T00:00:00Z' }));
      await enqueueWorkItem(paths, anIncident({ incident_id: 'inc-new' }));
      expect(await claimNextWorkItem(paths, 'planning')).toMatchObject({ status: 'claimed', item: { kind: 'incident', id: 'inc-new' } });
      await writeText(join(paths.specs.active, 'stray.md'), renderWorkDocument(aSpec({ spec_id: 'stray' })));
      await expect(claimNextWorkItem(paths, 'planning')).rejects.toMatchObject({ code: 'WORKSPACE_STATE_INVALID' });
    }));
});

describe('requeueWorkItem', () => {
  it('moves an active item back and logs the reason; a blank reason moves nothing', () =>
    withQueueWorkspace(async (paths) => {
      await enqueueWorkItem(paths, anIncident({ incident_id: 'inc' }));
      await moveWorkItem(paths, 'incident', 'inc', 'incoming', 'active');
      await expect(requeueWorkItem(paths, 'incident', 'inc', '  ')).rejects.toMatchObject({ code: 'INPUT_INVALID', message: 'requeue reason is required' });
      expect(await locateWorkItem(paths, 'inc')).toMatchObject({ state: 'active' });
      await requeueWorkItem(paths, 'incident', 'inc', ' open closure target backpressure ', new Date('2026-04-15T12:00:00Z'));
      expect(await locateWorkItem(paths, 'inc')).toMatchObject({ state: 'incoming' });
      expect(await readFile(join(paths.incidents.incoming, 'inc.requeue.jsonl'), 'utf8')).toBe(
        '{"at":"2026-04-15T12:00:00+00:00","kind":"incident","reason":"open closure target backpressure"}\n',
      );
    }));
});

describe('listQueue reusing parses (the daemon scanning every claim)', () => {
  it('reuses unchanged parses but sees every edit, even one keeping size and mtime', () =>
    withQueueWorkspace(async (paths) => {
      await enqueueWorkItem(paths, aTask({ task_id: 'a', summary: 'one' }));
      await sleep(150); // past the racy window: a file changed in the last 100 ms is always parsed again
      const path = join(paths.tasks.queue, 'a.md');
      const first = await listQueue(paths, { task: ['queue'] });
      const again = await listQueue(paths, { task: ['queue'] });
      expect(again.items[0]!.document).toBe(first.items[0]!.document);
      const { mtime } = await stat(path);
      await writeFile(path, renderWorkDocument(aTask({ task_id: 'a', summary: 'two' })));
      await utimes(path, mtime, mtime);
      const edited = await listQueue(paths, { task: ['queue'] });
      expect(edited.items[0]!.document.fields).toMatchObject({ summary: 'two' });
      await writeFile(path, '# broken\n');
      expect((await listQueue(paths, { task: ['queue'] })).invalid.map((i) => i.id)).toEqual(['a']);
    }));
});

import { execa } from 'execa';
import { mkdir, readdir, readFile, symlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { QueueState } from '../../../src/contracts/queue-move.js';
import type { TaskWorkDocument } from '../../../src/contracts/documents.js';
import { parseWorkDocument, renderWorkDocument } from '../../../src/workspace/documents/index.js';
import type { WorkspacePaths } from '../../../src/workspace/paths.js';
import { enqueueWorkItem, listQueue, moveSteps, moveWorkItem, planMove, repairQueue } from '../../../src/workspace/queue/index.js';
import { aTask } from '../../support/work-documents.js';
import { snapshotTree, withQueueWorkspace, writeText } from '../../support/queue-workspace.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Where every copy of task `id` is, as `state -> content`. */
async function copiesOf(paths: WorkspacePaths, id: string): Promise<Record<string, string>> {
  const tree = await snapshotTree(paths.runtimeRoot);
  return Object.fromEntries(Object.entries(tree).filter(([p]) => p.startsWith('tasks/') && p.endsWith(`/${id}.md`)).map(([p, c]) => [p.split('/')[1]!, c]));
}

const intentsLeft = (paths: WorkspacePaths) => readdir(join(paths.state, 'queue_moves')).catch(() => [] as string[]);

const withHint = (doc: TaskWorkDocument, hint: 'active' | 'queued'): TaskWorkDocument => ({ ...doc, fields: { ...doc.fields, status_hint: hint } });

describe('a move interrupted between any two steps is repaired to exactly one intact copy', () => {
  const cases: Array<{ name: string; from: QueueState; to: QueueState; rewrite: boolean }> = [
    { name: 'claim (queue -> active)', from: 'queue', to: 'active', rewrite: false },
    { name: 'claim with rewrite', from: 'queue', to: 'active', rewrite: true },
    { name: 'requeue (active -> queue, backwards in the lifecycle)', from: 'active', to: 'queue', rewrite: false },
    { name: 'requeue with rewrite', from: 'active', to: 'queue', rewrite: true },
  ];
  it.each(cases)('$name', async ({ from, to, rewrite }) => {
    const original = aTask({ task_id: 't' }, '# Add login form\n\nOperator notes.');
    const mutate = rewrite ? () => withHint(original, 'active') : undefined;
    const planned = await withQueueWorkspace(async (paths) => {
      await writeText(join(paths.tasks[from as 'queue'], 't.md'), renderWorkDocument(original));
      return moveSteps(paths, await planMove(paths, 'task', 't', from, to, { mutate })).length;
    });
    expect(planned).toBe(rewrite ? 6 : 4);
    for (let completed = 0; completed <= planned; completed += 1) {
      await withQueueWorkspace(async (paths) => {
        const before = renderWorkDocument(original);
        const after = rewrite ? renderWorkDocument(withHint(original, 'active')) : before;
        await writeText(join(paths.tasks[from as 'queue'], 't.md'), before);
        const steps = moveSteps(paths, await planMove(paths, 'task', 't', from, to, { mutate }));
        for (const step of steps.slice(0, completed)) await step(); // the process "dies" here
        await repairQueue(paths, { staleTempMs: 0 });
        const copies = await copiesOf(paths, 't');
        expect(Object.keys(copies)).toHaveLength(1);
        // Once the destination is linked (step 2 without rewrite, step 3 with), the move counts as done.
        const linked = completed >= (rewrite ? 3 : 2);
        expect(copies).toEqual(linked ? { [to]: after } : { [from]: before });
        expect(await intentsLeft(paths)).toEqual([]);
        expect(Object.keys(await snapshotTree(paths.runtimeRoot)).filter((p) => p.endsWith('.tmp'))).toEqual([]);
        // The queue is usable again: the item moves on normally.
        const state = linked ? to : from;
        await moveWorkItem(paths, 'task', 't', state, state === 'queue' ? 'blocked' : 'done');
      });
    }
  });

  it('refuses to start a second move while an unrepaired intent exists', () =>
    withQueueWorkspace(async (paths) => {
      await enqueueWorkItem(paths, aTask({ task_id: 't' }));
      const [recordIntent] = moveSteps(paths, await planMove(paths, 'task', 't', 'queue', 'active'));
      await recordIntent!();
      await expect(moveWorkItem(paths, 'task', 't', 'queue', 'active')).rejects.toMatchObject({ code: 'WORKSPACE_STATE_INVALID' });
      await repairQueue(paths);
      await moveWorkItem(paths, 'task', 't', 'queue', 'active');
    }));
});

describe('repairQueue without a move intent (hand copies, foreign writers)', () => {
  it('removes an identical earlier-lifecycle copy and sets a differing one aside, never deleting content', () =>
    withQueueWorkspace(async (paths) => {
      const a = renderWorkDocument(aTask({ task_id: 'a' }));
      const b = renderWorkDocument(aTask({ task_id: 'b' }));
      const bEdited = renderWorkDocument(aTask({ task_id: 'b', summary: 'edited in queue' }));
      await writeText(join(paths.tasks.queue, 'a.md'), a);
      await writeText(join(paths.tasks.done, 'a.md'), a);
      await writeText(join(paths.tasks.queue, 'b.md'), bEdited);
      await writeText(join(paths.tasks.blocked, 'b.md'), b);
      const report = await repairQueue(paths);
      expect(report.actions).toEqual([
        { action: 'identical_copy_removed', kind: 'task', id: 'a', path: 'tasks/queue/a.md', kept: 'tasks/done/a.md' },
        { action: 'differing_copy_set_aside', kind: 'task', id: 'b', path: 'tasks/queue/b.md', renamed_to: 'tasks/queue/b.md.duplicate', kept: 'tasks/blocked/b.md' },
      ]);
      expect(await snapshotTree(paths.runtimeRoot)).toEqual({
        'tasks/done/a.md': a,
        'tasks/blocked/b.md': b,
        'tasks/queue/b.md.duplicate': bEdited,
      });
      expect((await listQueue(paths)).duplicates).toEqual([]);
    }));

  it('a folder or link named like a document is no copy: the document it shares a name with stays where it is', () =>
    withQueueWorkspace(async (paths) => {
      const a = renderWorkDocument(aTask({ task_id: 'a' }));
      const b = renderWorkDocument(aTask({ task_id: 'b' }));
      await writeText(join(paths.tasks.queue, 'a.md'), a);
      await mkdir(join(paths.tasks.done, 'a.md'), { recursive: true });
      await writeText(join(paths.tasks.queue, 'b.md'), b);
      await symlink(join(paths.tasks.queue, 'b.md'), join(paths.tasks.done, 'b.md'));
      expect((await repairQueue(paths)).actions).toEqual([]);
      expect(await readFile(join(paths.tasks.queue, 'a.md'), 'utf8')).toBe(a);
      expect(await readFile(join(paths.tasks.queue, 'b.md'), 'utf8')).toBe(b);
    }));
});

describe('SIGKILL during real moves', () => {
  it('leaves every document in exactly one place with intact content after repair', async () => {
    await withQueueWorkspace(async (paths) => {
      const ids = ['k-1', 'k-2', 'k-3', 'k-4'];
      for (const id of ids) await enqueueWorkItem(paths, aTask({ task_id: id }, `# Add login form\n\nnotes for ${id}`));
      for (let round = 0; round < 8; round += 1) {
        const child = execa('node', [join(ROOT, 'test/fixtures/queue-mover.mjs'), paths.workspaceRoot], { reject: false, buffer: { stdout: false, stderr: true } });
        // Let it complete a random number of moves, then kill it at a random moment of the next ones.
        const movesBeforeKill = 1 + Math.floor(Math.random() * 6);
        await new Promise<void>((enough) => {
          let output = '';
          child.stdout!.on('data', (chunk: Buffer) => {
            output += chunk.toString();
            if ((output.match(/^moved /gm) ?? []).length >= movesBeforeKill) enough();
          });
          child.once('exit', () => enough()); // a crash of its own fails the signal check below, with its stderr
        });
        await new Promise((wait) => setTimeout(wait, Math.floor(Math.random() * 15)));
        child.kill('SIGKILL');
        const exit = await child;
        expect({ signal: exit.signal, stderr: exit.stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });
        await repairQueue(paths, { staleTempMs: 0 });
        const listing = await listQueue(paths);
        expect(listing.invalid).toEqual([]);
        expect(listing.duplicates).toEqual([]);
        expect(listing.items.map((i) => i.id).sort()).toEqual(ids);
        for (const item of listing.items) {
          const doc = parseWorkDocument('task', await readFile(item.path, 'utf8'), item.path);
          const { status_hint: _hint, ...fields } = doc.fields;
          expect(fields).toEqual(aTask({ task_id: item.id }).fields);
          expect(doc.body).toBe(`# Add login form\n\nnotes for ${item.id}`);
        }
        expect(await intentsLeft(paths)).toEqual([]);
      }
    });
  }, 300_000);
});

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { renderWorkDocument } from '../../../src/workspace/documents/index.js';
import type { WorkspacePaths } from '../../../src/workspace/paths.js';
import { closeQueueFolderWatches } from '../../../src/workspace/queue/folder-watch.js';
import { forgetParsedQueueFiles } from '../../../src/workspace/queue/parse-cache.js';
import { queueParseCachePath } from '../../../src/workspace/queue/persisted-parse-cache.js';
import { FULL_SCOPE, listQueue, type QueueListing } from '../../../src/workspace/queue/index.js';
import { withQueueWorkspace, writeText } from '../../support/queue-workspace.js';
import { aTask } from '../../support/work-documents.js';

// The daemon's first watched scan takes what the persisted parse cache vouches for instead of parsing every document
// (scan.ts `seedFromPersisted`), and saves the cache with what it had to parse.

const SETTLE_MS = 150; // past the parse cache's racy window
const taskPath = (paths: WorkspacePaths, id: string) => join(paths.tasks.queue, `${id}.md`);
const seeded = (paths: WorkspacePaths) => listQueue(paths, FULL_SCOPE, { watchFolders: true, seedFromPersisted: true });
const view = (listing: QueueListing) => ({
  items: listing.items.map((i) => `${i.id}: ${i.document.fields.title} @${i.claim.at?.ms}`).sort(),
  invalid: listing.invalid.map((i) => i.id).sort(),
});

type Body = Record<string, { names: string; at: Array<number | null> }>;
function readCache(paths: WorkspacePaths): { header: Record<string, unknown>; body: Body } {
  const [header, body] = readFileSync(queueParseCachePath(paths), 'utf8').split('\n');
  return { header: JSON.parse(header!) as Record<string, unknown>, body: JSON.parse(body!) as Body };
}
/** Rewrite the cache's body (with a matching digest), as if the cache had recorded other facts. */
function rewriteCache(paths: WorkspacePaths, edit: (body: Body) => void): void {
  const { header, body } = readCache(paths);
  edit(body);
  const text = JSON.stringify(body);
  writeFileSync(queueParseCachePath(paths), `${JSON.stringify({ ...header, sha256: createHash('sha256').update(text).digest('hex') })}\n${text}`);
}

describe('the daemon scan seeded from the persisted parse cache', () => {
  afterEach(() => {
    closeQueueFolderWatches();
    forgetParsedQueueFiles();
  });

  it('reuses the facts of unchanged files, parses changed and new ones, and saves them to the cache', async () => {
    await withQueueWorkspace(async (paths) => {
      for (const id of ['t1', 't2']) await writeText(taskPath(paths, id), renderWorkDocument(aTask({ task_id: id, title: `first ${id}`, created_at: '2026-01-01T00:00:00Z' })));
      await writeText(taskPath(paths, 'bad'), '---\ntask_id: bad\n---\nno title\n');
      await sleep(SETTLE_MS);
      await listQueue(paths, FULL_SCOPE, { persistParsed: true }); // a one-shot command wrote the cache
      const jan1 = Date.parse('2026-01-01T00:00:00Z');
      // Facts only the cache holds: a seeded scan that reports them took them from the cache instead of the files.
      rewriteCache(paths, (body) => (body['tasks/queue']!.at = body['tasks/queue']!.names.split('/').map((name) => (name === 'bad' ? null : jan1 + 1000))));
      // t2 changes after the cache was written, t3 is new: both must be parsed.
      await writeText(taskPath(paths, 't2'), renderWorkDocument(aTask({ task_id: 't2', title: 'second t2', created_at: '2026-01-01T00:00:00Z' })));
      await writeText(taskPath(paths, 't3'), renderWorkDocument(aTask({ task_id: 't3', title: 'first t3', created_at: '2026-01-01T00:00:00Z' })));
      await sleep(SETTLE_MS);

      const first = view(await seeded(paths));
      expect(first).toEqual({ items: [`t1: first t1 @${jan1 + 1000}`, `t2: second t2 @${jan1}`, `t3: first t3 @${jan1}`], invalid: ['bad'] });
      const saved = readCache(paths).body['tasks/queue']!;
      expect(saved.names.split('/').sort()).toEqual(['bad', 't1', 't2', 't3']);
      // Later scans of the same process go by the memo and the folder watch, with the same answer.
      expect(view(await seeded(paths))).toEqual(first);
    });
  });

  it('without a cache parses every file and writes the cache for the next start', async () => {
    await withQueueWorkspace(async (paths) => {
      await writeText(taskPath(paths, 't1'), renderWorkDocument(aTask({ task_id: 't1', title: 'only t1' })));
      await sleep(SETTLE_MS);
      expect(view(await seeded(paths)).items).toEqual([`t1: only t1 @${Date.parse('2026-04-15T12:00:00Z')}`]);
      expect(readCache(paths).body['tasks/queue']!.names).toBe('t1');
    });
  });
});

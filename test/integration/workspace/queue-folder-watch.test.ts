import { jest } from '@jest/globals';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { renderWorkDocument } from '../../../src/workspace/documents/index.js';
import type { WorkspacePaths } from '../../../src/workspace/paths.js';
import { closeQueueFolderWatches, takeWatchState } from '../../../src/workspace/queue/folder-watch.js';
import { forgetParsedQueueFiles } from '../../../src/workspace/queue/parse-cache.js';
import { KEPT_SCAN_MAX_AGE_MS } from '../../../src/workspace/queue/scan.js';
import { FULL_SCOPE, listQueue, type QueueListing } from '../../../src/workspace/queue/index.js';
import { listQueueLocations, listWatchedLocations } from '../../../src/workspace/queue/scan.js';
import { withQueueWorkspace, writeText } from '../../support/queue-workspace.js';
import { aTask } from '../../support/work-documents.js';

// Past the parse cache's racy window, so parses are memoized (parse-cache.ts RACY_WINDOW_NS).
const SETTLE_MS = 150;
const taskPath = (paths: WorkspacePaths, id: string) => join(paths.tasks.queue, `${id}.md`);
const summary = (listing: QueueListing) => ({
  items: listing.items.map((i) => `${i.state}/${i.id}: ${i.document.fields.title}`).sort(),
  invalid: listing.invalid.map((i) => `${i.state}/${i.id}`).sort(),
});
const watched = (paths: WorkspacePaths) => listQueue(paths, FULL_SCOPE, { watchFolders: true });
const fresh = async (paths: WorkspacePaths) => {
  forgetParsedQueueFiles();
  return listQueue(paths, FULL_SCOPE);
};

/** Wait until the watched scan agrees with a fresh one (watch events arrive asynchronously), or fail. */
async function agreesWithFreshScan(paths: WorkspacePaths): Promise<void> {
  let last: unknown;
  for (let i = 0; i < 100; i++) {
    const seen = summary(await watched(paths));
    const truth = summary(await fresh(paths));
    if (JSON.stringify(seen) === JSON.stringify(truth)) return;
    last = { seen, truth };
    await sleep(50);
  }
  throw new Error(`watched scan never matched a fresh scan: ${JSON.stringify(last)}`);
}

/** Queue task t1 ("first t1") and scan it twice under the folder's watch, so its parse is memoized after the watch started. */
async function watchOneTask(paths: WorkspacePaths): Promise<void> {
  await writeText(taskPath(paths, 't1'), renderWorkDocument(aTask({ task_id: 't1', title: 'first t1' })));
  await sleep(SETTLE_MS);
  await watched(paths);
  await sleep(SETTLE_MS);
  expect(summary(await watched(paths)).items).toEqual(['queue/t1: first t1']);
}

describe('queue scan of a long-lived reader (watched folders)', () => {
  afterEach(() => {
    jest.restoreAllMocks();
    closeQueueFolderWatches();
    forgetParsedQueueFiles();
  });

  it('sees additions, in-place rewrites, rename-replacements and removals like a fresh scan', async () => {
    await withQueueWorkspace(async (paths) => {
      for (const id of ['t1', 't2', 't3']) await writeText(taskPath(paths, id), renderWorkDocument(aTask({ task_id: id, title: `first ${id}` })));
      await sleep(SETTLE_MS);
      expect(summary(await watched(paths)).items).toEqual(['queue/t1: first t1', 'queue/t2: first t2', 'queue/t3: first t3']);
      await sleep(SETTLE_MS);
      await watched(paths); // every parse now memoized after its folder's watch started

      // In place, same length: only the watch event tells this file apart from its memoized parse.
      await writeFile(taskPath(paths, 't1'), renderWorkDocument(aTask({ task_id: 't1', title: 'again t1' })));
      // Replaced by rename (how Millrace writes), and made invalid.
      await writeFile(join(paths.tasks.queue, '.t2.tmp'), '---\ntask_id: t2\n---\nbroken\n');
      await rename(join(paths.tasks.queue, '.t2.tmp'), taskPath(paths, 't2'));
      await rm(taskPath(paths, 't3'));
      await writeText(taskPath(paths, 't4'), renderWorkDocument(aTask({ task_id: 't4', title: 'first t4' })));
      await mkdir(paths.tasks.active, { recursive: true });
      await rename(taskPath(paths, 't4'), join(paths.tasks.active, 't4.md'));
      await agreesWithFreshScan(paths);
      expect(summary(await watched(paths))).toEqual({ items: ['active/t4: first t4', 'queue/t1: again t1'], invalid: ['queue/t2'] });
    });
  });

  it('lists the locations of watched folders like a fresh listing as files come, go and are replaced by a folder', async () => {
    await withQueueWorkspace(async (paths) => {
      const names = async (list: typeof listWatchedLocations) => (await list(paths, { task: ['queue'] })).map((l) => `${l.id}:${l.path === taskPath(paths, l.id)}`);
      for (const id of ['t1', 't2']) await writeText(taskPath(paths, id), renderWorkDocument(aTask({ task_id: id })));
      expect(await names(listWatchedLocations)).toEqual(['t1:true', 't2:true']);
      await writeText(taskPath(paths, 't0'), renderWorkDocument(aTask({ task_id: 't0' })));
      await rm(taskPath(paths, 't2'));
      await mkdir(taskPath(paths, 't3')); // a folder named like a document is no document
      await rename(taskPath(paths, 't1'), join(paths.tasks.queue, 't1.txt'));
      let seen: string[] = [];
      for (let i = 0; i < 100; i++) {
        seen = await names(listWatchedLocations);
        if (JSON.stringify(seen) === JSON.stringify(await names(listQueueLocations))) break;
        await sleep(50);
      }
      expect(seen).toEqual(['t0:true']);
    });
  });

  it('lists a folder removed and made again under its watch like a fresh scan', async () => {
    await withQueueWorkspace(async (paths) => {
      await watchOneTask(paths);

      await rm(paths.tasks.queue, { recursive: true });
      await mkdir(paths.tasks.queue);
      await writeText(taskPath(paths, 't2'), renderWorkDocument(aTask({ task_id: 't2', title: 'first t2' })));
      await agreesWithFreshScan(paths);
      expect(summary(await watched(paths)).items).toEqual(['queue/t2: first t2']);
    });
  });

  it('sees what a lost watch event announced once its kept scan is older than KEPT_SCAN_MAX_AGE_MS', async () => {
    await withQueueWorkspace(async (paths) => {
      await watchOneTask(paths);

      // A new file and an in-place rewrite whose events are lost (taken here, as an overflowing kernel queue drops them).
      await writeText(taskPath(paths, 't2'), renderWorkDocument(aTask({ task_id: 't2', title: 'first t2' })));
      await writeFile(taskPath(paths, 't1'), renderWorkDocument(aTask({ task_id: 't1', title: 'again t1' })));
      const lost = new Set<string>();
      for (let i = 0; i < 100 && !(lost.has('t1.md') && lost.has('t2.md')); i++) {
        for (const name of takeWatchState(paths.tasks.queue)?.changed ?? []) lost.add(name);
        await sleep(20);
      }
      expect([...lost].sort()).toEqual(['t1.md', 't2.md']);
      await sleep(SETTLE_MS);
      expect(summary(await watched(paths)).items).toEqual(['queue/t1: first t1']);

      const later = Date.now() + KEPT_SCAN_MAX_AGE_MS;
      jest.spyOn(Date, 'now').mockImplementation(() => later);
      expect(summary(await watched(paths)).items).toEqual(['queue/t1: again t1', 'queue/t2: first t2']);
    });
  });
});

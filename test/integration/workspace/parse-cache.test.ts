import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { renderWorkDocument } from '../../../src/workspace/documents/index.js';
import type { WorkspacePaths } from '../../../src/workspace/paths.js';
import { forgetParsedQueueFiles, isRacy } from '../../../src/workspace/queue/parse-cache.js';
import { FULL_SCOPE, listQueue, type QueueListing } from '../../../src/workspace/queue/index.js';
import { withQueueWorkspace, writeText } from '../../support/queue-workspace.js';
import { aSpec, aTask, anIncident } from '../../support/work-documents.js';

// Files changed less than this long ago are never reused from a cache (parse-cache.ts RACY_WINDOW_NS).
const PAST_RACY_WINDOW_MS = 150;
const cacheFile = (paths: WorkspacePaths) => join(paths.state, 'queue_parse_cache.json');
const taskPath = (paths: WorkspacePaths, id: string) => join(paths.tasks.queue, `${id}.md`);
const titles = (listing: QueueListing) => Object.fromEntries(listing.items.map((i) => [i.id, i.document.fields.title]));
const scanLikeAFreshProcess = async (paths: WorkspacePaths, scope = FULL_SCOPE) => {
  forgetParsedQueueFiles();
  return listQueue(paths, scope, { persistParsed: true });
};

async function writeTask(paths: WorkspacePaths, id: string, title: string): Promise<void> {
  await writeText(taskPath(paths, id), renderWorkDocument(aTask({ task_id: id, title })));
}

/** The cache's body line: folder (`tasks/queue`) -> columns over its files in name order (persisted-parse-cache.ts). */
type Columns = { names: string; at: Array<number | null>; sub: number[]; problems: Record<string, unknown> };
type Entries = Record<string, Columns>;
const stemsOf = (columns: Columns) => (columns.names === '' ? [] : columns.names.split('/'));

/** Rewrite the cache's entries through `edit`, optionally keeping the header's digest in step. */
async function editCache(paths: WorkspacePaths, edit: (entries: Entries) => void, header: { fixDigest: boolean; fingerprint?: string }) {
  const [headerLine = '', body = ''] = (await readFile(cacheFile(paths), 'utf8')).split('\n');
  const entries = JSON.parse(body) as Entries;
  edit(entries);
  const newBody = JSON.stringify(entries);
  const parsedHeader = JSON.parse(headerLine) as { sha256: string; fingerprint: string };
  if (header.fixDigest) parsedHeader.sha256 = createHash('sha256').update(newBody).digest('hex');
  if (header.fingerprint) parsedHeader.fingerprint = header.fingerprint;
  await writeFile(cacheFile(paths), `${JSON.stringify(parsedHeader)}\n${newBody}`);
}

/** Store a file in the cache as invalid with one made-up problem (keeping its stat key, so the entry stays current). */
const markInvalid = (folder: string, stem: string, message: string) => (entries: Entries) => {
  const columns = entries[folder]!;
  const position = stemsOf(columns).indexOf(stem);
  expect(position).toBeGreaterThanOrEqual(0);
  columns.at[position] = null;
  columns.sub[position] = 0;
  columns.problems[position] = [{ file: `${folder}/${stem}.md`, field: 'title', message }];
};

describe('queue parse cache', () => {
  afterEach(() => forgetParsedQueueFiles());

  it('treats a file changed within the clock-tick window as racy (never reused)', () => {
    const now = 1_800_000_000_000_000_000n;
    const ms = 1_000_000n;
    expect(isRacy({ ctimeNs: now - 5n * ms, mtimeNs: now - 5n * ms }, now)).toBe(true);
    expect(isRacy({ ctimeNs: now - 2_000n * ms, mtimeNs: now - 20n * ms }, now)).toBe(true);
    expect(isRacy({ ctimeNs: now - 2_000n * ms, mtimeNs: now - 2_000n * ms }, now)).toBe(false);
  });

  it('sees a same-size rewrite made right after a scan', async () => {
    await withQueueWorkspace(async (paths) => {
      await writeTask(paths, 'task-a', 'Alpha');
      expect(titles(await listQueue(paths))).toEqual({ 'task-a': 'Alpha' });
      await writeTask(paths, 'task-a', 'Bravo');
      expect(titles(await listQueue(paths))).toEqual({ 'task-a': 'Bravo' });
    });
  });

  it('sees an in-place edit of a file it had cached', async () => {
    await withQueueWorkspace(async (paths) => {
      await writeTask(paths, 'task-a', 'Alpha');
      await sleep(PAST_RACY_WINDOW_MS);
      expect(titles(await listQueue(paths))).toEqual({ 'task-a': 'Alpha' });
      await writeTask(paths, 'task-a', 'Bravo');
      expect(titles(await listQueue(paths))).toEqual({ 'task-a': 'Bravo' });
      await writeText(taskPath(paths, 'task-a'), 'not a document\n');
      const listing = await listQueue(paths);
      expect(listing.items).toEqual([]);
      expect(listing.invalid.map((i) => i.id)).toEqual(['task-a']);
    });
  });

  it('persists parses for the next process and uses them while files are unchanged', async () => {
    await withQueueWorkspace(async (paths) => {
      await writeTask(paths, 'task-a', 'Alpha');
      await writeTask(paths, 'task-b', 'Beta');
      await writeText(join(paths.tasks.queue, 'task-bad.md'), '---\ntask_id: task-bad\n---\n');
      await sleep(PAST_RACY_WINDOW_MS);
      const first = await scanLikeAFreshProcess(paths);
      expect(existsSync(cacheFile(paths))).toBe(true);

      const second = await scanLikeAFreshProcess(paths);
      expect(second).toEqual(first);
      expect(second.invalid.map((i) => [i.id, i.problems.length > 0])).toEqual([['task-bad', true]]);

      // Proof that the next process takes validity and claim facts from the cache rather than the file: a
      // digest-consistent edit of the cache shows. Documents themselves are always read from the file.
      await editCache(paths, markInvalid('tasks/queue', 'task-a', 'from the cache'), { fixDigest: true });
      const third = await scanLikeAFreshProcess(paths);
      expect(third.invalid.map((i) => [i.id, i.problems[0]?.message])).toEqual([['task-a', 'from the cache'], ['task-bad', expect.any(String)]]);
      expect(titles(third)).toEqual({ 'task-b': 'Beta' });
    });
  });

  it('reads the document of a cached item from its file when asked', async () => {
    await withQueueWorkspace(async (paths) => {
      await writeTask(paths, 'task-a', 'Alpha');
      await sleep(PAST_RACY_WINDOW_MS);
      await scanLikeAFreshProcess(paths);
      const cached = await scanLikeAFreshProcess(paths);
      expect(cached.items[0]!.claim).toEqual(expect.objectContaining({ dependsOn: [], rootSpecId: null }));
      expect(cached.items[0]!.document.fields).toMatchObject({ task_id: 'task-a', title: 'Alpha', acceptance: ['Form rejects empty password'] });
    });
  });

  it('lists facts only from a one-shot scan, even a first one: documents are read when asked', async () => {
    await withQueueWorkspace(async (paths) => {
      await writeTask(paths, 'task-a', 'Alpha');
      await sleep(PAST_RACY_WINDOW_MS);
      const first = await scanLikeAFreshProcess(paths);
      expect(first.items.map((i) => [i.id, i.claim.dependsOn])).toEqual([['task-a', []]]);
      // The scan kept no document: the item reads the file as it is now.
      await writeTask(paths, 'task-a', 'Alpha, renamed after the scan');
      expect(first.items[0]!.document.fields.title).toBe('Alpha, renamed after the scan');
      // Without the persisted cache (the daemon's scans), a scan lists the documents it parsed.
      const inProcess = await listQueue(paths);
      await writeTask(paths, 'task-a', 'Alpha, renamed again');
      expect(inProcess.items[0]!.document.fields.title).toBe('Alpha, renamed after the scan');
    });
  });

  it("names the file when a listed item's document is gone or no longer valid by the time it is asked for", async () => {
    await withQueueWorkspace(async (paths) => {
      await writeTask(paths, 'task-a', 'Alpha');
      await writeTask(paths, 'task-b', 'Beta');
      await sleep(PAST_RACY_WINDOW_MS);
      const listing = await scanLikeAFreshProcess(paths);
      await rm(taskPath(paths, 'task-a'));
      await writeText(taskPath(paths, 'task-b'), 'not a document\n');
      const [a, b] = listing.items;
      expect(() => a!.document).toThrow(expect.objectContaining({ code: 'NOT_FOUND', file: 'tasks/queue/task-a.md' }));
      expect(() => b!.document).toThrow(expect.objectContaining({ code: 'DOCUMENT_INVALID', file: 'tasks/queue/task-b.md' }));
    });
  });

  it('lists the same paths and claim facts from the cache as a fresh parse gives, in the same order', async () => {
    await withQueueWorkspace(async (paths) => {
      await writeText(taskPath(paths, 'task-b'), renderWorkDocument(aTask({ task_id: 'task-b', created_at: '2026-04-15T12:00:00.123456Z', depends_on: ['task-a', 'task-c'], root_spec_id: 'idea-auth' })));
      await writeTask(paths, 'task-a', 'Alpha');
      await writeText(join(paths.tasks.done, 'task-c.md'), renderWorkDocument(aTask({ task_id: 'task-c' })));
      await writeText(join(paths.incidents.incoming, 'incident-001.md'), renderWorkDocument(anIncident({ opened_at: '2026-04-16T08:00:00+02:00' })));
      await writeText(join(paths.tasks.queue, 'task-bad.md'), '---\ntask_id: task-bad\n---\n');
      await sleep(PAST_RACY_WINDOW_MS);
      const facts = (listing: QueueListing) => ({
        items: listing.items.map((i) => ({ kind: i.kind, state: i.state, id: i.id, path: i.path, claim: i.claim })),
        invalid: listing.invalid,
      });
      const fresh = facts(await listQueue(paths));
      expect(fresh.items.map((i) => i.id)).toEqual(['task-a', 'task-b', 'task-c', 'incident-001']);
      expect(fresh.items[1]!.claim).toEqual({ at: { ms: Date.UTC(2026, 3, 15, 12, 0, 0, 123), subMsNanos: 456_000 }, dependsOn: ['task-a', 'task-c'], rootSpecId: 'idea-auth' });
      expect(facts(await scanLikeAFreshProcess(paths))).toEqual(fresh);
      expect(facts(await scanLikeAFreshProcess(paths))).toEqual(fresh);
    });
  });

  it('finds cached entries by name when files were added or removed among them', async () => {
    await withQueueWorkspace(async (paths) => {
      for (const id of ['task-a', 'task-c', 'task-e']) await writeTask(paths, id, id);
      await sleep(PAST_RACY_WINDOW_MS);
      await scanLikeAFreshProcess(paths);
      await editCache(paths, markInvalid('tasks/queue', 'task-e', 'from the cache'), { fixDigest: true });
      await writeTask(paths, 'task-b', 'Bravo');
      await rm(taskPath(paths, 'task-c'));
      await sleep(PAST_RACY_WINDOW_MS);
      const listing = await scanLikeAFreshProcess(paths);
      expect(listing.items.map((i) => i.id)).toEqual(['task-a', 'task-b']);
      expect(listing.invalid.map((i) => [i.id, i.problems[0]?.message])).toEqual([['task-e', 'from the cache']]);
      // The next scan finds every entry at its own position again, the new file included.
      const again = await scanLikeAFreshProcess(paths);
      expect(again.invalid.map((i) => [i.id, i.problems[0]?.message])).toEqual([['task-e', 'from the cache']]);
      expect(titles(again)).toEqual({ 'task-a': 'task-a', 'task-b': 'Bravo' });
    });
  });

  it('leaves the file as it is when a few cached files went away, finding the others by walking its names', async () => {
    await withQueueWorkspace(async (paths) => {
      // Listed in file-name order: `task-a-b.md` sorts before `task-a.md`, although the stem `task-a` is the shorter.
      const fillers = Array.from({ length: 30 }, (_, i) => `task-f${String(i).padStart(2, '0')}`);
      for (const id of ['task-a', 'task-a-b', ...fillers]) await writeTask(paths, id, id);
      await sleep(PAST_RACY_WINDOW_MS);
      await scanLikeAFreshProcess(paths);
      await editCache(paths, markInvalid('tasks/queue', 'task-a', 'from the cache'), { fixDigest: true });
      await editCache(paths, markInvalid('tasks/queue', 'task-f20', 'from the cache'), { fixDigest: true });
      const written = await readFile(cacheFile(paths), 'utf8');

      // Two of 32 gone (one in 16): not worth rewriting the file; every other entry is still found under its own name.
      await rm(taskPath(paths, 'task-a-b'));
      await rm(taskPath(paths, 'task-f10'));
      const listing = await scanLikeAFreshProcess(paths);
      expect(listing.invalid.map((i) => [i.id, i.problems[0]?.message])).toEqual([
        ['task-a', 'from the cache'],
        ['task-f20', 'from the cache'],
      ]);
      expect(listing.items).toHaveLength(28);
      expect(await readFile(cacheFile(paths), 'utf8')).toBe(written);

      // One more gone is more than one in 16 of the loaded entries: the file is rewritten without the unused ones.
      await rm(taskPath(paths, 'task-f11'));
      expect((await scanLikeAFreshProcess(paths)).items).toHaveLength(27);
      const stems = stemsOf((JSON.parse((await readFile(cacheFile(paths), 'utf8')).split('\n')[1]!) as Entries)['tasks/queue']!);
      expect(stems).toHaveLength(29);
      expect(stems).not.toContain('task-a-b');
      expect(stems).not.toContain('task-f11');
    });
  });

  it('reads the cache file again when it changed after this process last read it', async () => {
    await withQueueWorkspace(async (paths) => {
      await writeTask(paths, 'task-a', 'Alpha');
      await writeTask(paths, 'task-b', 'Beta');
      await sleep(PAST_RACY_WINDOW_MS);
      await scanLikeAFreshProcess(paths);
      await sleep(PAST_RACY_WINDOW_MS);
      // Read once while the file is settled; then rewritten in place by someone else, and replaced.
      expect(titles(await scanLikeAFreshProcess(paths))).toEqual({ 'task-a': 'Alpha', 'task-b': 'Beta' });
      await editCache(paths, markInvalid('tasks/queue', 'task-a', 'edited in place'), { fixDigest: true });
      expect((await scanLikeAFreshProcess(paths)).invalid.map((i) => [i.id, i.problems[0]?.message])).toEqual([['task-a', 'edited in place']]);
      await sleep(PAST_RACY_WINDOW_MS);
      await scanLikeAFreshProcess(paths);
      const replaced = `${cacheFile(paths)}.new`;
      await writeFile(replaced, await readFile(cacheFile(paths), 'utf8'));
      await rename(replaced, cacheFile(paths));
      await editCache(paths, markInvalid('tasks/queue', 'task-b', 'replaced'), { fixDigest: true });
      expect((await scanLikeAFreshProcess(paths)).invalid.map((i) => [i.id, i.problems[0]?.message])).toEqual([
        ['task-a', 'edited in place'],
        ['task-b', 'replaced'],
      ]);
    });
  });

  it('ignores a cache whose digest or parser fingerprint does not match, and rewrites it', async () => {
    await withQueueWorkspace(async (paths) => {
      await writeTask(paths, 'task-a', 'Alpha');
      await sleep(PAST_RACY_WINDOW_MS);
      await scanLikeAFreshProcess(paths);

      await editCache(paths, markInvalid('tasks/queue', 'task-a', 'tampered'), { fixDigest: false });
      expect(titles(await scanLikeAFreshProcess(paths))).toEqual({ 'task-a': 'Alpha' });
      await editCache(paths, markInvalid('tasks/queue', 'task-a', 'older parser'), { fixDigest: true, fingerprint: 'another-version' });
      expect(titles(await scanLikeAFreshProcess(paths))).toEqual({ 'task-a': 'Alpha' });

      await writeFile(cacheFile(paths), 'garbage');
      expect(titles(await scanLikeAFreshProcess(paths))).toEqual({ 'task-a': 'Alpha' });
      const [header = ''] = (await readFile(cacheFile(paths), 'utf8')).split('\n');
      expect(JSON.parse(header)).toMatchObject({ format: 'millrace.queue_parse_cache/6' });
    });
  });

  it('lists no directory or link named like a document, whether its folder was cached or not', async () => {
    await withQueueWorkspace(async (paths) => {
      await writeTask(paths, 'task-a', 'Alpha');
      await writeTask(paths, 'task-b', 'Beta');
      await mkdir(join(paths.tasks.queue, 'task-dir.md'));
      await symlink(taskPath(paths, 'task-a'), join(paths.tasks.queue, 'task-link.md'));
      await sleep(PAST_RACY_WINDOW_MS);
      const expected = { items: ['task-a', 'task-b'], invalid: [], duplicates: [] };
      const shape = (listing: QueueListing) => ({ items: listing.items.map((i) => i.id), invalid: listing.invalid.map((i) => i.id), duplicates: listing.duplicates });
      expect(shape(await scanLikeAFreshProcess(paths))).toEqual(expected);
      // The folder is cached now, so the next scan lists it by name and takes types from its stats.
      expect(shape(await scanLikeAFreshProcess(paths))).toEqual(expected);
      // A cached file replaced by a link, and a new link and directory, are not documents either.
      await rm(taskPath(paths, 'task-b'));
      await symlink(taskPath(paths, 'task-a'), taskPath(paths, 'task-b'));
      await symlink(taskPath(paths, 'task-a'), join(paths.tasks.queue, 'task-link-2.md'));
      await mkdir(join(paths.tasks.queue, 'task-dir-2.md'));
      expect(shape(await scanLikeAFreshProcess(paths))).toEqual({ items: ['task-a'], invalid: [], duplicates: [] });
      expect(shape(await listQueue(paths))).toEqual({ items: ['task-a'], invalid: [], duplicates: [] });
    });
  });

  it('drops entries of changed or removed files and keeps entries outside a scoped scan', async () => {
    await withQueueWorkspace(async (paths) => {
      await writeTask(paths, 'task-a', 'Alpha');
      await writeTask(paths, 'task-gone', 'Gone');
      await writeText(join(paths.specs.queue, 'idea-auth.md'), renderWorkDocument(aSpec()));
      await sleep(PAST_RACY_WINDOW_MS);
      await scanLikeAFreshProcess(paths);

      await writeTask(paths, 'task-a', 'Alpha, edited to a longer title');
      await writeTask(paths, 'task-new', 'New');
      await rm(taskPath(paths, 'task-gone'));
      await sleep(PAST_RACY_WINDOW_MS);
      const scoped = await scanLikeAFreshProcess(paths, { task: ['queue'] });
      expect(titles(scoped)).toEqual({ 'task-a': 'Alpha, edited to a longer title', 'task-new': 'New' });

      const entries = JSON.parse((await readFile(cacheFile(paths), 'utf8')).split('\n')[1]!) as Entries;
      const files = Object.entries(entries).flatMap(([folder, columns]) => stemsOf(columns).map((stem) => `${folder}/${stem}.md`));
      expect(files.sort()).toEqual(['specs/queue/idea-auth.md', 'tasks/queue/task-a.md', 'tasks/queue/task-new.md']);
    });
  });
});

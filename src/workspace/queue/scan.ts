import { statSync } from 'node:fs';
import { sep } from 'node:path';
import type { WorkDocumentKind } from '../../contracts/documents.js';
import type { WorkspacePaths } from '../paths.js';
import { KIND_STATES, stateDir } from './layout.js';
import { findDuplicateIds, listDocumentFiles } from './folder-listing.js';
import { takeChanged, watchQueueFolder, watchedSince } from './folder-watch.js';
import { GONE, MISS, cachedParse, isRacy, memoVerifiedSince, nowNs, rememberParse, seededFolders } from './parse-cache.js';
import { listQueuePersisted } from './persisted-scan.js';
import { PersistedParseCache } from './persisted-parse-cache.js';
import type { ScannedFolder } from './cache-columns.js';
import { readQueueFileWithStat } from './read-queue-file.js';
import type { InvalidQueueFile, ParsedQueueFile, QueueItem, QueueListing, QueueLocation, ScanScope } from './queue-files.js';

export type { DuplicateQueueId, InvalidQueueFile, ParsedQueueFile, QueueItem, QueueListing, QueueLocation, ScanScope } from './queue-files.js';
export { countDocumentFiles, findDuplicateIds, listDocumentFiles } from './folder-listing.js';

export const FULL_SCOPE: ScanScope = KIND_STATES;

/** Locations (no parsing) of every `*.md` regular file in the scoped folders. */
export async function listQueueLocations(paths: WorkspacePaths, scope: ScanScope = FULL_SCOPE): Promise<QueueLocation[]> {
  const groups = await Promise.all(
    Object.entries(scope).flatMap(([kind, states]) =>
      (states ?? []).map(async (state) => {
        const dir = stateDir(paths, kind as WorkDocumentKind, state);
        // dir is already normalized: plain concatenation is the same path without join's normalizing pass per file.
        return (await listDocumentFiles(dir)).map((name) => ({ kind: kind as WorkDocumentKind, state, id: name.slice(0, -3), path: `${dir}${sep}${name}` }));
      }),
    ),
  );
  return groups.flat();
}

export { readQueueFile, readQueueFileSync, readQueueFileWithStat } from './read-queue-file.js';

export type ListOptions = {
  /**
   * Use and refresh the workspace's persisted parse cache (`state/queue_parse_cache.json`, persisted-scan.ts) instead
   * of this process's memo: for one-shot read commands, which would otherwise parse every document again on every run.
   */
  persistParsed?: boolean;
  /**
   * For long-lived readers: watch the scoped folders (folder-watch.ts) and reuse, without a stat, the parse of every
   * file no event named since it was last checked. A change of a 10,000-file queue then costs folder listings and the
   * parse of the changed files only. Ignored with `persistParsed`.
   */
  watchFolders?: boolean;
  /**
   * With `watchFolders` (the daemon): the first scan of each folder takes what the persisted parse cache vouches for
   * (one stat per file) instead of parsing every document, and saves the cache with what it parsed. Its items carry
   * claim facts only and parse `document` when asked (as one-shot scans do), so the memo keeps no documents.
   */
  seedFromPersisted?: boolean;
};


/**
 * Every document in the scoped folders: valid items, invalid files (reported, never deleted) and duplicate ids.
 * Unchanged files reuse their earlier parse (parse-cache.ts), so returned documents are shared: never mutate them.
 * With `persistParsed` the items carry claim facts only, and an item's `document` is read from its file when asked.
 */
export async function listQueue(paths: WorkspacePaths, scope: ScanScope = FULL_SCOPE, options: ListOptions = {}): Promise<QueueListing> {
  if (options.persistParsed) return listQueuePersisted(paths, scope);
  const watching = options.watchFolders === true;
  if (watching) {
    for (const [kind, states] of Object.entries(scope)) for (const state of states ?? []) watchQueueFolder(stateDir(paths, kind as WorkDocumentKind, state));
    // Let events of changes made before this scan reach the watches first.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const locations = await listQueueLocations(paths, scope);
  const checkedAtNs = nowNs();
  const read: Array<ParsedQueueFile | undefined> = new Array(locations.length);
  const seed = watching && options.seedFromPersisted === true ? seedingScan(paths, scope) : null;

  let folder = '';
  let since: number | null = null;
  for (let index = 0; index < locations.length; index += 1) {
    const location = locations[index]!;
    if (watching) {
      const dir = location.path.slice(0, location.path.length - location.id.length - 4);
      if (dir !== folder) {
        folder = dir;
        since = watchedSince(dir);
      }
      const trusted = since !== null && !takeChanged(dir, `${location.id}.md`) ? memoVerifiedSince(location.path, since) : undefined;
      if (trusted) {
        read[index] = trusted;
        continue;
      }
    }
    const cached = cachedParse(location);
    const seeding = seed?.folders.get(location.path.slice(0, location.path.length - location.id.length - 4));
    if (cached === MISS && seeding !== undefined) {
      read[index] = seedFrom(seed!.cache, seeding, paths, location, checkedAtNs);
    } else if (cached === MISS) {
      const fresh = readQueueFileWithStat(paths, location);
      read[index] = fresh && (fresh.stat ? rememberParse(location, fresh.parsed, fresh.stat, checkedAtNs) : fresh.parsed);
    } else read[index] = cached === GONE ? undefined : cached;
  }
  if (seed) await seed.cache.save(seed.scope);
  const items: QueueItem[] = [];
  const invalid: InvalidQueueFile[] = [];
  for (const entry of read) {
    if (entry === undefined) continue;
    if ('document' in entry) items.push(entry);
    else invalid.push(entry);
  }
  return { items, invalid, duplicates: findDuplicateIds(locations) };
}

/** Pure: how many files (valid or not) a listing found per kind and folder; folders outside its scope count 0. */
export function countByFolder(listing: QueueListing): { [K in WorkDocumentKind]: Record<(typeof KIND_STATES)[K][number], number> } {
  const counts = {
    task: { queue: 0, active: 0, done: 0, blocked: 0 },
    spec: { queue: 0, active: 0, done: 0, blocked: 0 },
    incident: { incoming: 0, active: 0, resolved: 0, blocked: 0 },
  };
  const byKind = counts as Record<WorkDocumentKind, Record<string, number>>;
  for (const entry of listing.items) byKind[entry.kind][entry.state]! += 1;
  for (const entry of listing.invalid) byKind[entry.kind][entry.state]! += 1;
  return counts;
}

/** The scoped folders not seeded yet, opened in the persisted cache (null when every folder was seeded before). */
function seedingScan(paths: WorkspacePaths, scope: ScanScope): { cache: PersistedParseCache; scope: ScanScope; folders: Map<string, ScannedFolder> } | null {
  const unseeded: Array<[WorkDocumentKind, QueueLocation['state'], string]> = [];
  for (const [kind, states] of Object.entries(scope) as Array<[WorkDocumentKind, ScanScope[WorkDocumentKind]]>) {
    for (const state of states ?? []) {
      const dir = stateDir(paths, kind, state);
      if (!seededFolders.has(dir)) unseeded.push([kind, state, dir]);
    }
  }
  if (unseeded.length === 0) return null;
  const cache = PersistedParseCache.load(paths);
  const folders = new Map<string, ScannedFolder>();
  const seedScope: Partial<Record<WorkDocumentKind, QueueLocation['state'][]>> = {};
  for (const [kind, state, dir] of unseeded) {
    seededFolders.add(dir);
    folders.set(dir, cache.folder(kind, state, dir));
    (seedScope[kind] ??= []).push(state);
  }
  return { cache, scope: seedScope, folders };
}

/**
 * A file the memo does not know, in a folder's first seeded scan: the persisted cache's entry while the file's stat
 * still matches it, else a fresh parse recorded for the cache; either way the memo keeps the light item.
 */
function seedFrom(cache: PersistedParseCache, folder: ScannedFolder, paths: WorkspacePaths, location: QueueLocation, checkedAtNs: bigint): ParsedQueueFile | undefined {
  const position = folder.positionOf(location.id);
  if (position >= 0) {
    const stat = statSync(location.path, { bigint: true, throwIfNoEntry: false });
    if (stat === undefined) return undefined;
    if (stat.isFile() && folder.matchesNs(position, stat)) return rememberParse(location, cache.reuse(folder, location.id, position), stat, checkedAtNs);
  }
  const fresh = readQueueFileWithStat(paths, location);
  if (fresh === undefined) return undefined;
  if (!fresh.stat) return fresh.parsed;
  const listed = cache.record(folder, fresh.parsed, fresh.stat, isRacy(fresh.stat, checkedAtNs));
  return rememberParse(location, listed, fresh.stat, checkedAtNs);
}

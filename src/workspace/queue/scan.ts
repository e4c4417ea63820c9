import { sep } from 'node:path';
import type { WorkDocumentKind } from '../../contracts/documents.js';
import type { WorkspacePaths } from '../paths.js';
import { KIND_STATES, stateDir } from './layout.js';
import { findDuplicateIds, listDocumentFiles } from './folder-listing.js';
import { takeChanged, watchQueueFolder, watchedSince } from './folder-watch.js';
import { GONE, MISS, cachedParse, memoVerifiedSince, nowNs, rememberParse } from './parse-cache.js';
import { listQueuePersisted } from './persisted-scan.js';
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
    if (cached === MISS) {
      const fresh = readQueueFileWithStat(paths, location);
      read[index] = fresh && (fresh.stat ? rememberParse(location, fresh.parsed, fresh.stat, checkedAtNs) : fresh.parsed);
    } else read[index] = cached === GONE ? undefined : cached;
  }
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

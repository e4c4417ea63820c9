import { lstatSync, readdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { sep } from 'node:path';
import type { WorkDocumentKind } from '../../contracts/documents.js';
import type { QueueState } from '../../contracts/queue-move.js';
import type { WorkspacePaths } from '../paths.js';
import { KIND_STATES, stateDir } from './layout.js';
import { isErrno } from './exclusive-file.js';
import { takeChanged, watchQueueFolder, watchedSince } from './folder-watch.js';
import { GONE, MISS, NOT_A_FILE, cachedParse, memoVerifiedSince, nowNs, rememberParse } from './parse-cache.js';
import { PersistedParseCache } from './persisted-parse-cache.js';
import { readQueueFileSync, readQueueFileWithStat } from './read-queue-file.js';
import type { InvalidQueueFile, ParsedQueueFile, QueueItem, QueueListing, QueueLocation, ScanScope, DuplicateQueueId } from './queue-files.js';

export type { DuplicateQueueId, InvalidQueueFile, ParsedQueueFile, QueueItem, QueueListing, QueueLocation, ScanScope } from './queue-files.js';

export const FULL_SCOPE: ScanScope = KIND_STATES;

/** `<id>.md` file names directly inside one folder, sorted (missing folder = empty). */
export async function listDocumentFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile() && e.name.endsWith('.md')).map((e) => e.name).sort();
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return [];
    throw error;
  }
}

/** How many `*.md` names one folder holds (missing folder = 0); names only, for queue depths. */
export function countDocumentFiles(dir: string): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return 0;
    throw error;
  }
  let count = 0;
  for (const name of names) if (name.endsWith('.md')) count += 1;
  return count;
}

/** `*.md` names directly inside one folder, sorted, without their types (missing folder = empty). */
function listDocumentNames(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return [];
    throw error;
  }
  return names.filter((name) => name.endsWith('.md')).sort();
}

/**
 * Locations (no parsing) of every `*.md` file in the scoped folders. A folder for which `byNameOnly` holds is listed
 * by name only (much cheaper than typed entries): its caller must then skip names that are no regular file itself.
 */
export async function listQueueLocations(
  paths: WorkspacePaths,
  scope: ScanScope = FULL_SCOPE,
  byNameOnly: (kind: WorkDocumentKind, state: QueueState) => boolean = () => false,
): Promise<QueueLocation[]> {
  const groups = await Promise.all(
    Object.entries(scope).flatMap(([kind, states]) =>
      (states ?? []).map(async (state) => {
        const dir = stateDir(paths, kind as WorkDocumentKind, state);
        const names = byNameOnly(kind as WorkDocumentKind, state) ? listDocumentNames(dir) : await listDocumentFiles(dir);
        // dir is already normalized: plain concatenation is the same path without join's normalizing pass per file.
        return names.map((name) => ({ kind: kind as WorkDocumentKind, state, id: name.slice(0, -3), path: `${dir}${sep}${name}` }));
      }),
    ),
  );
  return groups.flat();
}

/** Whether a listed name is a regular file (not a directory or link): what a typed listing would have said. */
function isRegularFile(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false })?.isFile() ?? true; // gone: reading it says so
}

export { readQueueFile, readQueueFileSync, readQueueFileWithStat } from './read-queue-file.js';

export type ListOptions = {
  /**
   * Also use and refresh the workspace's persisted parse cache (`state/queue_parse_cache.json`): for one-shot
   * read commands, which would otherwise parse every document again on every run.
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
  const watching = options.watchFolders === true && !options.persistParsed;
  if (watching) {
    for (const [kind, states] of Object.entries(scope)) for (const state of states ?? []) watchQueueFolder(stateDir(paths, kind as WorkDocumentKind, state));
    // Let events of changes made before this scan reach the watches first.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const persisted = options.persistParsed ? PersistedParseCache.load(paths) : undefined;
  // Folders the persisted cache knows are listed by name: the lstat that checks each cached file also gives its type.
  const locations = await listQueueLocations(paths, scope, persisted ? (kind, state) => persisted.knowsFolder(kind, state) : undefined);
  const checkedAtNs = nowNs();
  const readLater = (location: QueueLocation) => readQueueFileSync(paths, location);
  const read: Array<ParsedQueueFile | undefined> = new Array(locations.length);
  const readNow = (index: number) => {
    const location = locations[index]!;
    const fresh = readQueueFileWithStat(paths, location);
    read[index] = fresh && (fresh.stat ? rememberParse(location, fresh.parsed, fresh.stat, checkedAtNs, persisted, readLater) : fresh.parsed);
  };
  /** Names listed without types that turned out not to be regular files: not documents, so not listed at all. */
  let notFiles: Set<QueueLocation> | undefined;

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
    let cached = cachedParse(location, persisted, readLater);
    if (cached === MISS && persisted?.knowsFolder(location.kind, location.state) === true && !isRegularFile(location.path)) cached = NOT_A_FILE;
    if (cached === NOT_A_FILE) (notFiles ??= new Set()).add(location);
    else if (cached === MISS) readNow(index);
    else read[index] = cached === GONE ? undefined : cached;
  }
  await persisted?.save(scope);
  const items: QueueItem[] = [];
  const invalid: InvalidQueueFile[] = [];
  for (const entry of read) {
    if (entry === undefined) continue;
    if ('document' in entry) items.push(entry);
    else invalid.push(entry);
  }
  return { items, invalid, duplicates: findDuplicateIds(notFiles ? locations.filter((l) => !notFiles.has(l)) : locations) };
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

/** Pure: ids present in more than one folder of the same kind. */
export function findDuplicateIds(locations: readonly QueueLocation[]): DuplicateQueueId[] {
  // A folder never holds one name twice: with every file in one folder per kind (a big queue, empty other folders)
  // there is nothing to compare.
  const folderByKind = new Map<WorkDocumentKind, QueueState>();
  let manyFolders = false;
  for (const location of locations) {
    const folder = folderByKind.get(location.kind);
    if (folder === undefined) folderByKind.set(location.kind, location.state);
    else if (folder !== location.state) {
      manyFolders = true;
      break;
    }
  }
  if (!manyFolders) return [];
  const firstByKind = new Map<WorkDocumentKind, Map<string, QueueLocation>>();
  const groups = new Map<QueueLocation, QueueLocation[]>();
  for (const location of locations) {
    let first = firstByKind.get(location.kind);
    if (first === undefined) firstByKind.set(location.kind, (first = new Map()));
    const seen = first.get(location.id);
    if (seen === undefined) first.set(location.id, location);
    else groups.set(seen, [...(groups.get(seen) ?? [seen]), location]);
  }
  return [...groups.values()].map((group) => ({ kind: group[0]!.kind, id: group[0]!.id, locations: group }));
}

import { lstatSync, statSync } from 'node:fs';
import { sep } from 'node:path';
import type { WorkDocumentKind } from '../../contracts/documents.js';
import type { WorkspacePaths } from '../paths.js';
import { KIND_STATES, stateDir } from './layout.js';
import { documentFileNames, findDuplicateIds } from './folder-listing.js';
import { keepWithWatch, takeWatchState, watchQueueFolder } from './folder-watch.js';
import { GONE, MISS, cachedParse, isRacy, memoVerifiedSince, nowNs, rememberParse, seededFolders } from './parse-cache.js';
import { listQueuePersisted } from './persisted-scan.js';
import { PersistedParseCache } from './persisted-parse-cache.js';
import type { ScannedFolder } from './cache-columns.js';
import { readQueueFileWithStat } from './read-queue-file.js';
import type { InvalidQueueFile, ParsedQueueFile, QueueItem, QueueListing, QueueLocation, ScanScope } from './queue-files.js';

export type { DuplicateQueueId, InvalidQueueFile, ParsedQueueFile, QueueItem, QueueListing, QueueLocation, ScanScope } from './queue-files.js';
export { countDocumentFiles, findDuplicateIds } from './folder-listing.js';

export const FULL_SCOPE: ScanScope = KIND_STATES;

/** Locations (no parsing) of every `*.md` regular file in the scoped folders. */
export async function listQueueLocations(paths: WorkspacePaths, scope: ScanScope = FULL_SCOPE): Promise<QueueLocation[]> {
  return scopeFolders(paths, scope).flatMap((folder) => documentFileNames(folder.dir).map((name) => locationIn(folder, name)));
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
  if (options.watchFolders === true) return listWatchedQueue(paths, scope, options.seedFromPersisted === true);
  const locations = await listQueueLocations(paths, scope);
  const checkedAtNs = nowNs();
  return listingOf(locations.map((location) => readListed(location, () => readFresh(paths, location, checkedAtNs))), locations);
}

function listingOf(read: ReadonlyArray<ParsedQueueFile | undefined>, locations: readonly QueueLocation[]): QueueListing {
  const items: QueueItem[] = [];
  const invalid: InvalidQueueFile[] = [];
  for (const entry of read) {
    if (entry === undefined) continue;
    if ('document' in entry) items.push(entry);
    else invalid.push(entry);
  }
  return { items, invalid, duplicates: findDuplicateIds(locations) };
}

/** A listed file through the process's memo: its remembered parse while its stat is unchanged, else `miss()`. */
function readListed(location: QueueLocation, miss: () => ParsedQueueFile | undefined): ParsedQueueFile | undefined {
  const cached = cachedParse(location);
  if (cached === GONE) return undefined;
  return cached === MISS ? miss() : cached;
}

/** Read and parse a file, remembered in the memo (checked at or after `checkedAtNs`); undefined when it is gone. */
function readFresh(paths: WorkspacePaths, location: QueueLocation, checkedAtNs: bigint): ParsedQueueFile | undefined {
  const fresh = readQueueFileWithStat(paths, location);
  return fresh && (fresh.stat ? rememberParse(location, fresh.parsed, fresh.stat, checkedAtNs) : fresh.parsed);
}

/**
 * A watched folder's last scan, kept with its watch (folder-watch.ts): its `*.md` regular files in listing order, what
 * each read as, and the names whose read no stat has proved current since the watch started (racy, unreadable or
 * gone), which every scan checks again. `ino`: the folder's, so a folder replaced under its watch is listed afresh.
 */
type KeptScan = { kind: 'scan'; ino: bigint; listedAtMs: number; names: string[]; locations: QueueLocation[]; read: Array<ParsedQueueFile | undefined>; unsettled: Set<string> };
/** A watched folder's last listing by `listWatchedLocations` (names only, no reads). */
type KeptNames = { kind: 'names'; ino: bigint; listedAtMs: number; names: string[]; locations: QueueLocation[] };

// How long a kept listing, and a parse no stat re-checked, are trusted on the watch's word: the kernel drops events when
// its queue overflows (libuv drops that notice too), so at least this often a folder is listed again and every file no
// stat verified within it is checked by one. A lost event costs at most this delay.
export const KEPT_SCAN_MAX_AGE_MS = 10_000;
type Kept = KeptScan | KeptNames;
/** What the watch kept, when it is of that kind, of the same folder (inode) and young enough to use. */
const usableKept = <K extends Kept['kind']>(kept: Kept | undefined, kind: K, ino: bigint | undefined, now: number): Extract<Kept, { kind: K }> | undefined =>
  kept?.kind === kind && ino !== undefined && kept.ino === ino && now - kept.listedAtMs < KEPT_SCAN_MAX_AGE_MS ? (kept as Extract<Kept, { kind: K }>) : undefined;

async function listWatchedQueue(paths: WorkspacePaths, scope: ScanScope, seedFromPersisted: boolean): Promise<QueueListing> {
  const folders = scopeFolders(paths, scope);
  for (const folder of folders) watchQueueFolder(folder.dir);
  // Let events of changes made before this scan reach the watches first.
  await new Promise((resolve) => setImmediate(resolve));
  const checkedAtNs = nowNs();
  const seed = seedFromPersisted ? seedingScan(paths, scope) : null;
  const scans = folders.map((folder) => scanWatchedFolder(paths, folder, checkedAtNs, seed));
  if (seed) await seed.cache.save(seed.scope);
  return listingOf(scans.flatMap((scan) => scan.read), scans.flatMap((scan) => scan.locations));
}

type ScopeFolder = { kind: WorkDocumentKind; state: QueueLocation['state']; dir: string };

function scopeFolders(paths: WorkspacePaths, scope: ScanScope): ScopeFolder[] {
  return Object.entries(scope).flatMap(([kind, states]) => (states ?? []).map((state) => ({ kind: kind as WorkDocumentKind, state, dir: stateDir(paths, kind as WorkDocumentKind, state) })));
}

/** The location of file `name` in a scoped folder (its dir is normalized: plain concatenation, no join per file). */
const locationIn = (folder: ScopeFolder, name: string): QueueLocation => ({ kind: folder.kind, state: folder.state, id: name.slice(0, -3), path: `${folder.dir}${sep}${name}` });

/**
 * One watched folder. While its watch holds (and the folder is the same, and its kept scan younger than
 * KEPT_SCAN_MAX_AGE_MS), the scan kept last time is brought up to date from the names events named since (one lstat
 * each, and a read of those that are files): a claim over 10,000 queued tasks no longer lists and looks up every file.
 * Otherwise the folder is listed, and a file no event named since a stat verified it (after the watch started, and
 * within KEPT_SCAN_MAX_AGE_MS) reuses that parse without another stat.
 */
function scanWatchedFolder(paths: WorkspacePaths, folder: ScopeFolder, checkedAtNs: bigint, seed: ReturnType<typeof seedingScan>): Pick<KeptScan, 'locations' | 'read'> {
  const { dir } = folder;
  const watch = takeWatchState<Kept>(dir);
  const ino = statSync(dir, { bigint: true, throwIfNoEntry: false })?.ino;
  const seeding = seed?.folders.get(dir);
  const now = Date.now();
  const usable = seeding === undefined ? usableKept(watch?.kept, 'scan', ino, now) : undefined;
  if (watch !== null && usable !== undefined) {
    updateKeptScan(paths, folder, usable, watch.changed, watch.since, checkedAtNs);
    return usable;
  }
  const names = documentFileNames(dir);
  const kept: KeptScan = { kind: 'scan', ino: ino ?? 0n, listedAtMs: now, names, locations: [], read: [], unsettled: new Set() };
  const trustedSince = watch === null ? null : Math.max(watch.since, now - KEPT_SCAN_MAX_AGE_MS);
  for (const name of names) {
    const location = locationIn(folder, name);
    const trusted = trustedSince !== null && !watch!.changed.has(name) ? memoVerifiedSince(location.path, trustedSince) : undefined;
    const read = trusted ?? readListed(location, () => (seeding !== undefined ? seedFrom(seed!.cache, seeding, paths, location, checkedAtNs) : readFresh(paths, location, checkedAtNs)));
    kept.locations.push(location);
    kept.read.push(read);
    if (watch !== null && memoVerifiedSince(location.path, watch.since) !== read) kept.unsettled.add(name);
  }
  if (watch !== null && ino !== undefined) keepWithWatch(dir, kept);
  return kept;
}

/** Bring a kept scan up to date: the names events named (added, changed or gone), then the unsettled ones. */
function updateKeptScan(paths: WorkspacePaths, folder: ScopeFolder, kept: KeptScan, changed: ReadonlySet<string>, since: number, checkedAtNs: bigint): void {
  const recheck = new Set<string>(kept.unsettled);
  for (const name of changed) if (name.endsWith('.md')) recheck.add(name);
  for (const name of recheck) {
    const at = sortedIndex(kept.names, name);
    const listed = kept.names[at] === name;
    const path = `${folder.dir}${sep}${name}`;
    if (!(lstatSync(path, { throwIfNoEntry: false })?.isFile() ?? false)) {
      if (listed) {
        kept.names.splice(at, 1);
        kept.locations.splice(at, 1);
        kept.read.splice(at, 1);
      }
      kept.unsettled.delete(name);
      continue;
    }
    const location = listed ? kept.locations[at]! : locationIn(folder, name);
    const read = readListed(location, () => readFresh(paths, location, checkedAtNs));
    if (listed) kept.read[at] = read;
    else {
      kept.names.splice(at, 0, name);
      kept.locations.splice(at, 0, location);
      kept.read.splice(at, 0, read);
    }
    if (read !== undefined && memoVerifiedSince(path, since) === read) kept.unsettled.delete(name);
    else kept.unsettled.add(name);
  }
}

/**
 * Locations of every `*.md` regular file in the scoped folders, for a long-lived reader that lists them again and again
 * (a daemon's claims list the `done` folder for dependencies): each folder's listing is kept with its watch and brought
 * up to date from the names events named (one lstat each), as a watched scan does, without reading any file. A folder
 * whose watch broke, that was replaced or whose listing is older than KEPT_SCAN_MAX_AGE_MS is listed afresh; one a
 * watched scan keeps too is listed afresh each time.
 */
export async function listWatchedLocations(paths: WorkspacePaths, scope: ScanScope): Promise<QueueLocation[]> {
  const folders = scopeFolders(paths, scope);
  for (const folder of folders) watchQueueFolder(folder.dir);
  // Let events of changes made before this listing reach the watches first.
  await new Promise((resolve) => setImmediate(resolve));
  return folders.flatMap((folder) => keptLocations(folder));
}

function keptLocations(folder: ScopeFolder): QueueLocation[] {
  const { dir } = folder;
  const watch = takeWatchState<Kept>(dir);
  const ino = statSync(dir, { bigint: true, throwIfNoEntry: false })?.ino;
  const now = Date.now();
  const kept = usableKept(watch?.kept, 'names', ino, now);
  if (watch !== null && kept !== undefined) {
    for (const name of watch.changed) {
      if (!name.endsWith('.md')) continue;
      const at = sortedIndex(kept.names, name);
      const listed = kept.names[at] === name;
      const isFile = lstatSync(`${dir}${sep}${name}`, { throwIfNoEntry: false })?.isFile() ?? false;
      if (isFile && !listed) {
        kept.names.splice(at, 0, name);
        kept.locations.splice(at, 0, locationIn(folder, name));
      } else if (!isFile && listed) {
        kept.names.splice(at, 1);
        kept.locations.splice(at, 1);
      }
    }
    return kept.locations;
  }
  const names = documentFileNames(dir);
  const listed: KeptNames = { kind: 'names', ino: ino ?? 0n, listedAtMs: now, names, locations: names.map((name) => locationIn(folder, name)) };
  if (watch !== null && ino !== undefined) keepWithWatch(dir, listed);
  return listed.locations;
}

/** Where `name` is, or goes, in a sorted array of names. */
function sortedIndex(names: readonly string[], name: string): number {
  let low = 0;
  let high = names.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (names[mid]! < name) low = mid + 1;
    else high = mid;
  }
  return low;
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

import { watch, type FSWatcher } from 'node:fs';
import { basename } from 'node:path';

/**
 * File-system watches of queue folders for long-lived readers (the web dashboard's host views, `status watch`): a file
 * this process parsed after its folder's watch started, and for which no event arrived since, is unchanged, so a
 * scan reuses its parse without a stat per file (docs/web.md, "Large queues"), and a scan keeps its listing with the
 * watch, brought up to date from the names events name (scan.ts). A folder whose watch failed, or that
 * could not be watched, is never trusted: its files are checked by stat as in any scan. Watches are unref'd, so they
 * never keep a process alive.
 */
type FolderWatch = { watcher: FSWatcher; startedAtMs: number; dirty: Set<string>; broken: boolean; kept: unknown };

const watches = new Map<string, FolderWatch>();

/** Start watching `dir` (idempotent). A missing folder is not watched; the next scan tries again. */
export function watchQueueFolder(dir: string): void {
  const existing = watches.get(dir);
  if (existing && !existing.broken) return;
  existing?.watcher.close();
  watches.delete(dir);
  let watcher: FSWatcher;
  try {
    watcher = watch(dir, { persistent: false });
  } catch {
    return;
  }
  const entry: FolderWatch = { watcher, startedAtMs: Date.now(), dirty: new Set(), broken: false, kept: undefined };
  watcher.on('change', (_event, name) => {
    // An event without a name or naming the folder itself (removed or moved away, so its watch sees
    // nothing more): nothing in it can be trusted any more.
    if (name === null || name === undefined || String(name) === '' || String(name) === basename(dir)) entry.broken = true;
    else entry.dirty.add(String(name));
  });
  watcher.on('error', () => (entry.broken = true));
  watcher.unref();
  watches.set(dir, entry);
}

/**
 * A watched folder's state for a scan that keeps its last listing with the watch: when the watch started, every name
 * an event named since the last call (taken: the set is cleared) and what the caller kept last time (dropped with the
 * watch when it is closed or replaced). Null when `dir` is not watched or its watch broke.
 */
export function takeWatchState<T>(dir: string): { since: number; changed: ReadonlySet<string>; kept: T | undefined } | null {
  const entry = watches.get(dir);
  if (!entry || entry.broken) return null;
  const changed = entry.dirty;
  entry.dirty = new Set();
  return { since: entry.startedAtMs, changed, kept: entry.kept as T | undefined };
}

/** Keep `value` with the watch of `dir`, for its next takeWatchState (nothing when `dir` is not watched). */
export function keepWithWatch(dir: string, value: unknown): void {
  const entry = watches.get(dir);
  if (entry) entry.kept = value;
}

/** Drop what scans kept with the watches (the next scan of each folder lists it again). */
export function forgetKeptListings(): void {
  for (const entry of watches.values()) entry.kept = undefined;
}

/** Forget every watch (tests; a process that stops reading). */
export function closeQueueFolderWatches(): void {
  for (const entry of watches.values()) entry.watcher.close();
  watches.clear();
}

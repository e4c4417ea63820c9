import { watch, type FSWatcher } from 'node:fs';

/**
 * File-system watches of queue folders for long-lived readers (the web dashboard's host views, `status watch`): a file
 * this process parsed after its folder's watch started, and for which no event arrived since, is unchanged, so a
 * scan reuses its parse without a stat per file (docs/web.md, "Large queues"). A folder whose watch failed, or that
 * could not be watched, is never trusted: its files are checked by stat as in any scan. Watches are unref'd, so they
 * never keep a process alive.
 */
type FolderWatch = { watcher: FSWatcher; startedAtMs: number; dirty: Set<string>; broken: boolean };

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
  const entry: FolderWatch = { watcher, startedAtMs: Date.now(), dirty: new Set(), broken: false };
  watcher.on('change', (_event, name) => {
    // An event without a name (overflow) or about the folder itself: nothing in it can be trusted any more.
    if (name === null || name === undefined || String(name) === '') entry.broken = true;
    else entry.dirty.add(String(name));
  });
  watcher.on('error', () => (entry.broken = true));
  watcher.unref();
  watches.set(dir, entry);
}

/** When the watch of `dir` started, or null when its files cannot be trusted without a stat. */
export function watchedSince(dir: string): number | null {
  const entry = watches.get(dir);
  return entry && !entry.broken ? entry.startedAtMs : null;
}

/** Whether an event named `name` in `dir` since it was last checked; clears the mark (the caller checks it now). */
export function takeChanged(dir: string, name: string): boolean {
  const entry = watches.get(dir);
  if (!entry) return true;
  return entry.dirty.delete(name);
}

/** Forget every watch (tests; a process that stops reading). */
export function closeQueueFolderWatches(): void {
  for (const entry of watches.values()) entry.watcher.close();
  watches.clear();
}

import { readdirSync } from 'node:fs';

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';

/**
 * The entry names of a folder, unsorted; a missing folder has none. Any other listing error is thrown, or with `quiet`
 * gives none too. Synchronous: one system call, which the daemon makes at every tick, where a thread-pool round trip
 * cost more than the listing.
 */
export function folderEntryNames(dir: string, options: { quiet?: boolean } = {}): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if (options.quiet || isMissing(error)) return [];
    throw error;
  }
}

/** The `*.json` entry names of a folder (of any type: callers check what they open), sorted by code unit (folderEntryNames). */
export function listJsonNames(dir: string, options: { throwUnlessMissing?: boolean } = {}): string[] {
  return folderEntryNames(dir, { quiet: options.throwUnlessMissing !== true }).filter((name) => name.endsWith('.json')).sort();
}

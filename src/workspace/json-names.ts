import { readdirSync } from 'node:fs';

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';

/**
 * The `*.json` entry names of a folder (of any type: callers check what they open), sorted by code unit; a missing
 * folder has none. Any other listing error is `[]` too, or thrown with `throwUnlessMissing`. Synchronous: one system
 * call, which the daemon makes at every tick, where a thread-pool round trip cost more than the listing.
 */
export function listJsonNames(dir: string, options: { throwUnlessMissing?: boolean } = {}): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if (options.throwUnlessMissing && !isMissing(error)) throw error;
    return [];
  }
  return names.filter((name) => name.endsWith('.json')).sort();
}

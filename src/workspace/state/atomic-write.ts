import { mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

// Unique per process by pid, per write by counter (cheaper than random bytes; a daemon writes many files per stage).
let tempCounter = 0;

/**
 * Temp file in the same directory + rename: readers (and a restart after the process is killed) see the old or the new
 * content, never a torn file. No fsync: it protects only against power loss and costs most of a tick's time.
 * The calls are synchronous: the files are small and the tick is serial, and each thread-pool round trip of the
 * promise API (open, write, close, rename) cost more than the write itself (about half a tick's write time).
 */
export async function writeTextAtomic(path: string, content: string | Buffer): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}-${(tempCounter += 1)}.tmp`);
  try {
    writeFileSync(tmp, content);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, content);
  }
  try {
    renameSync(tmp, path);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw error;
  }
}

/** Pretty JSON (2 spaces) + newline, written atomically. */
export const writeJsonFileAtomic = (path: string, value: unknown) => writeTextAtomic(path, `${JSON.stringify(value, null, 2)}\n`);

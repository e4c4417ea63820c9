import { linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { tempPathFor, writeFailure } from '@millrace/plugin-api';

/** A temp file name in the same folder as `path` (the writers' shared pattern); never matches `*.md`, so scans ignore it. */
export { tempPathFor };

export const isErrno = (error: unknown, code: string): boolean => (error as NodeJS.ErrnoException | null)?.code === code;

/**
 * Create `path` with `content` atomically and only if it does not exist yet: write a temp file in the same
 * folder, then hard-link it into place (link fails with EEXIST instead of replacing). Readers never see a
 * partial file. Returns false when `path` already exists. Synchronous inside (as `writeFileAtomic`): each call is one
 * small system call, and a thread-pool round trip per step cost the daemon more than the steps themselves.
 */
export async function createFileExclusive(path: string, content: string): Promise<boolean> {
  mkdirSync(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  try {
    writeFileSync(temp, content, 'utf8');
    linkSync(temp, path);
    return true;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    throw writeFailure(error, path);
  } finally {
    rmSync(temp, { force: true });
  }
}

import { randomBytes } from 'node:crypto';
import { link, mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A temp file name in the same folder as `path`; never matches `*.md`, so scans ignore it. */
export const tempPathFor = (path: string): string => join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);

export const isErrno = (error: unknown, code: string): boolean => (error as NodeJS.ErrnoException | null)?.code === code;

/**
 * Create `path` with `content` atomically and only if it does not exist yet: write a temp file in the same
 * folder, then hard-link it into place (link fails with EEXIST instead of replacing). Readers never see a
 * partial file. Returns false when `path` already exists.
 */
export async function createFileExclusive(path: string, content: string): Promise<boolean> {
  await mkdir(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  await writeFile(temp, content, 'utf8');
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}

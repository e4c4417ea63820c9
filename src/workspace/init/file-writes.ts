import { randomBytes } from 'node:crypto';
import { link, mkdir, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

const tempPath = (path: string) => `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;

/**
 * Create `path` with `content` only if nothing exists there, atomically: the bytes go to a temp file,
 * which is then hard-linked into place (link fails if the destination exists, so an operator's file always wins).
 * Returns whether the file was created.
 */
export async function writeFileIfAbsent(path: string, content: string | Buffer): Promise<boolean> {
  await mkdir(dirname(path), { recursive: true });
  const temp = tempPath(path);
  await writeFile(temp, content);
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

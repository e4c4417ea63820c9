import { link, mkdir, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tempPathFor, writeFailure } from '@millrace/plugin-api';

/**
 * Create `path` with `content` only if nothing exists there, atomically: the bytes go to a temp file,
 * which is then hard-linked into place (link fails if the destination exists, so an operator's file always wins).
 * Returns whether the file was created.
 */
export async function writeFileIfAbsent(path: string, content: string | Buffer): Promise<boolean> {
  await mkdir(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  try {
    await writeFile(temp, content);
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw writeFailure(error, path);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

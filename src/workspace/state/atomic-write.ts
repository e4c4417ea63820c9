import { linkSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { tempPathFor, writeFileAtomic } from '@millrace/plugin-api';

/**
 * The workspace's atomic writes are the plugin API's (temp file + rename, see `writeFileAtomic`): one implementation
 * for the host's state files and the runners' artifacts.
 */
export { writeFileAtomic as writeTextAtomic, writeJsonAtomic as writeJsonFileAtomic } from '@millrace/plugin-api';

/** Removals of retired versions still running on the thread pool. */
const retiring = new Set<Promise<void>>();

/**
 * `writeTextAtomic` for a file the runtime replaces again and again (snapshot, status files), without waiting for the
 * old version to be freed. On ext4, a rename that drops the old version's last link frees it on the spot, and that
 * waits for the writeback its own replacement started: 2-5 ms per replacement on a busy disk, against about 0.15 ms
 * when the old version keeps another link (measured on this project's machine). So the old version first gets a
 * second link under a writer temp name (`tempPathFor`), the new content is renamed over the file as always, and the
 * retired link is removed on the thread pool. Readers see exactly what `writeTextAtomic` shows them. A retired link
 * left by a killed process is a dead writer's temp file, which start-up's sweep removes; `retiredVersionsRemoved`
 * waits for this process's own removals. Where hard links fail (no old version, or a file system without them),
 * this is a plain `writeTextAtomic`.
 */
export async function replaceTextAtomic(path: string, content: string): Promise<void> {
  const retired = tempPathFor(path);
  let linked: boolean;
  try {
    linkSync(path, retired);
    linked = true;
  } catch {
    linked = false;
  }
  try {
    await writeFileAtomic(path, content);
  } finally {
    if (linked) {
      const removal: Promise<void> = unlink(retired)
        .catch(() => undefined)
        .then(() => {
          retiring.delete(removal);
        });
      retiring.add(removal);
    }
  }
}

/** `replaceTextAtomic` for JSON, formatted as `writeJsonFileAtomic` formats it. */
export const replaceJsonAtomic = (path: string, value: unknown) => replaceTextAtomic(path, `${JSON.stringify(value, null, 2)}\n`);

/** Resolves once every old version retired by `replaceTextAtomic` so far is removed. */
export async function retiredVersionsRemoved(): Promise<void> {
  while (retiring.size > 0) await Promise.all([...retiring]);
}

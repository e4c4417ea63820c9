import { statSync } from 'node:fs';
import { isRacy, nowNs } from './parse-cache.js';
import { folderNames } from './folder-names.js';

/**
 * How many `*.md` names a folder holds, for a runtime that asks every tick: a folder is counted again only when its stat changed (a name
 * added, removed or renamed changes the folder's mtime and ctime), so an unchanged 10,000-document queue costs one
 * stat instead of reading 10,000 names. A count taken within the racy window of the folder's last change is not
 * reused (timestamps are only as fine as the kernel's clock tick; see parse-cache.ts). The names come from
 * `folderNames`, so the start's count reuses the listing the queue repair just read.
 */
export function createDocumentCounter(): (dir: string) => number {
  const memo = new Map<string, { ino: bigint; mtimeNs: bigint; ctimeNs: bigint; count: number }>();
  return (dir) => {
    const checkedAtNs = nowNs();
    const stat = statSync(dir, { bigint: true, throwIfNoEntry: false });
    const known = memo.get(dir);
    if (stat && known && known.ino === stat.ino && known.mtimeNs === stat.mtimeNs && known.ctimeNs === stat.ctimeNs) return known.count;
    memo.delete(dir);
    let count = 0;
    for (const name of folderNames(dir)) if (name.endsWith('.md')) count += 1;
    if (stat?.isDirectory() && !isRacy(stat, checkedAtNs)) memo.set(dir, { ino: stat.ino, mtimeNs: stat.mtimeNs, ctimeNs: stat.ctimeNs, count });
    return count;
  };
}

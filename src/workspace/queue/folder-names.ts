import { statSync } from 'node:fs';
import { isRacy, nowNs } from './parse-cache.js';
import { folderEntryNames } from '../folder-entries.js';

/** Per folder: its stat when it was last listed, and what the listing held. */
const listed = new Map<string, { ino: bigint; mtimeNs: bigint; ctimeNs: bigint; names: readonly string[] }>();

/**
 * Every entry name directly inside `dir` (a missing folder has none), listed again only when the folder's stat changed
 * since this process last listed it: a name added, removed or renamed changes the folder's mtime and ctime. A runtime's
 * start reads the queue folders for its repair and then counts its queue depths; a 10,000-document queue folder is
 * then read once instead of twice. A listing taken within the racy window of the folder's last change is not reused
 * (timestamps are only as fine as the kernel's clock tick; see parse-cache.ts). Names are in directory order.
 */
export function folderNames(dir: string): readonly string[] {
  const checkedAtNs = nowNs();
  const stat = statSync(dir, { bigint: true, throwIfNoEntry: false });
  const known = listed.get(dir);
  if (stat && known && known.ino === stat.ino && known.mtimeNs === stat.mtimeNs && known.ctimeNs === stat.ctimeNs) return known.names;
  listed.delete(dir);
  const names = folderEntryNames(dir);
  if (stat?.isDirectory() && !isRacy(stat, checkedAtNs)) listed.set(dir, { ino: stat.ino, mtimeNs: stat.mtimeNs, ctimeNs: stat.ctimeNs, names });
  return names;
}

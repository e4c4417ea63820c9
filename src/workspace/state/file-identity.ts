import { lstatSync } from 'node:fs';

/**
 * A file's identity after this process replaced it (inode, size and nanosecond times), null when it is absent. Every
 * writer of a state file replaces it by rename, so any other write changes the key: a writer that kept the key of its
 * own last write knows, with one lstat, whether the file is still that write.
 */
export function replacedFileKey(path: string): string | null {
  const stat = lstatSync(path, { bigint: true, throwIfNoEntry: false });
  return stat ? `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}` : null;
}

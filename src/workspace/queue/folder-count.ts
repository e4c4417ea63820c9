import { folderNames } from './folder-names.js';

/**
 * How many `*.md` names a folder holds, for a runtime that asks every tick. The names come from `folderNames`, which
 * lists a folder again only when its stat changed (and never reuses a listing taken within the racy window of the
 * folder's last change), so an unchanged 10,000-document queue costs one stat, and the start's count reuses the listing
 * the queue repair just read. A count is kept per listing: the same listing is not counted twice.
 */
export function createDocumentCounter(): (dir: string) => number {
  const counted = new WeakMap<readonly string[], number>();
  return (dir) => {
    const names = folderNames(dir);
    let count = counted.get(names);
    if (count === undefined) {
      count = 0;
      for (const name of names) if (name.endsWith('.md')) count += 1;
      counted.set(names, count);
    }
    return count;
  };
}

import { lstatSync } from 'node:fs';
import { sep } from 'node:path';
import type { WorkDocumentKind } from '../../contracts/documents.js';
import type { WorkspacePaths } from '../paths.js';
import { stateDir } from './layout.js';
import { documentFileNames, findDuplicateIds, isRegularFile, listDocumentNames, spansFolders } from './folder-listing.js';
import { isRacy, nowNs } from './parse-cache.js';
import type { ScannedFolder } from './cache-columns.js';
import { PersistedParseCache } from './persisted-parse-cache.js';
import { readQueueFileWithStat } from './read-queue-file.js';
import type { InvalidQueueFile, ParsedQueueFile, QueueItem, QueueListing, QueueLocation, ScanScope } from './queue-files.js';

/**
 * The scan of one-shot read commands (`listQueue` with `persistParsed`): every file checked against the persisted
 * parse cache (persisted-parse-cache.ts) by one `lstat`, and only files it cannot vouch for read and parsed.
 *
 * - A folder the cache knows is listed by name only (`readdir` without types); when the sorted names are exactly the
 *   cached ones, each file's entry is at its own position, and otherwise it is found by walking the cached names
 *   alongside the sorted listing (no lookup by name). The `lstat` that checks a cached file
 *   also tells a regular file from a directory or link named `*.md` (never listed); a name the cache does not know is
 *   `lstat`'ed before it is read. Other folders are listed with types, and their files read without a stat (the open
 *   file is stat'ed).
 * - Every file is still stat'ed each run: an in-place edit changes neither the folder nor the name.
 * - Items are small (ListedQueueItem): no location object, path or claim object per file unless asked for.
 */
export async function listQueuePersisted(paths: WorkspacePaths, scope: ScanScope): Promise<QueueListing> {
  const cache = PersistedParseCache.load(paths);
  const checkedAtNs = nowNs();
  const items: QueueItem[] = [];
  const invalid: InvalidQueueFile[] = [];
  /** Per scanned folder, the ids it lists (for duplicates). */
  const listed: Array<{ folder: ScannedFolder; ids: string[] }> = [];
  for (const [kind, states] of Object.entries(scope) as Array<[WorkDocumentKind, ScanScope[WorkDocumentKind]]>) {
    for (const state of states ?? []) {
      const dir = stateDir(paths, kind, state);
      const folder = cache.folder(kind, state, dir);
      const known = folder.stored !== undefined;
      const names = known ? listDocumentNames(dir) : documentFileNames(dir);
      const ids = names.map((name) => name.slice(0, -3));
      const aligned = folder.alignWith(ids);
      const positionOf = aligned ? undefined : folder.walkInListingOrder();
      const kept: string[] = [];
      for (let index = 0; index < ids.length; index += 1) {
        const id = ids[index]!;
        const path = `${dir}${sep}${names[index]}`;
        const position = positionOf === undefined ? index : positionOf(id);
        let found: ParsedQueueFile | undefined;
        if (position >= 0) {
          const stat = lstatSync(path, { throwIfNoEntry: false });
          if (stat === undefined) {
            kept.push(id); // gone since the listing: not listed, but it was there for duplicates
            continue;
          }
          if (!stat.isFile()) continue;
          found = folder.matches(position, stat) ? cache.reuse(folder, id, position) : readNow(cache, folder, paths, { kind, state, id, path }, checkedAtNs);
        } else {
          if (known && !isRegularFile(path)) continue;
          found = readNow(cache, folder, paths, { kind, state, id, path }, checkedAtNs);
        }
        kept.push(id);
        if (found === undefined) continue;
        if ('problems' in found) invalid.push(found);
        else items.push(found);
      }
      listed.push({ folder, ids: kept });
    }
  }
  await cache.save(scope);
  return { items, invalid, duplicates: duplicatesOf(listed) };
}

/** Read and parse a file the cache cannot vouch for; undefined when it is gone. */
function readNow(cache: PersistedParseCache, folder: ScannedFolder, paths: WorkspacePaths, location: QueueLocation, checkedAtNs: bigint): ParsedQueueFile | undefined {
  const fresh = readQueueFileWithStat(paths, location);
  if (fresh === undefined) return undefined;
  return fresh.stat ? cache.record(folder, fresh.parsed, fresh.stat, isRacy(fresh.stat, checkedAtNs)) : fresh.parsed;
}

/** findDuplicateIds over the listed files; locations are only made when some kind has files in two folders. */
function duplicatesOf(listed: ReadonlyArray<{ folder: ScannedFolder; ids: readonly string[] }>): QueueListing['duplicates'] {
  if (!spansFolders(listed.filter((l) => l.ids.length > 0).map((l) => l.folder))) return [];
  return findDuplicateIds(listed.flatMap(({ folder, ids }) => ids.map((id) => ({ kind: folder.kind, state: folder.state, id, path: `${folder.dir}${sep}${id}.md` }))));
}

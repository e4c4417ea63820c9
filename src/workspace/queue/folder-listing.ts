import { lstatSync, readdirSync } from 'node:fs';
import { sep } from 'node:path';
import type { WorkDocumentKind } from '../../contracts/documents.js';
import type { QueueState } from '../../contracts/queue-move.js';
import { isErrno } from './exclusive-file.js';
import type { DuplicateQueueId, QueueLocation } from './queue-files.js';
import { folderEntryNames } from '../folder-entries.js';
import { folderNames } from './folder-names.js';

/** What queue folders hold, by name: the listings every scan starts from, and ids found in two folders. */

/**
 * `<id>.md` file names directly inside one folder, sorted (missing folder = empty). One synchronous listing: the daemon
 * lists folders on every claim, and a thread-pool round trip per folder cost it more than the listing.
 */
export function documentFileNames(dir: string): string[] {
  try {
    const entries = readdirSync(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile() && e.name.endsWith('.md')).map((e) => e.name).sort();
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return [];
    throw error;
  }
}

/** How many `*.md` names one folder holds (missing folder = 0); names only, for queue depths. */
export function countDocumentFiles(dir: string): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return 0;
    throw error;
  }
  let count = 0;
  for (const name of names) if (name.endsWith('.md')) count += 1;
  return count;
}

/**
 * `*.md` names directly inside one folder, sorted, without their types (missing folder = empty). Through folderNames:
 * a claim by `run once` lists the queue folder its start-up repair already read, and reads it again only if it changed.
 */
export function listDocumentNames(dir: string): string[] {
  return folderNames(dir).filter((name) => name.endsWith('.md')).sort();
}

/** Whether a listed name is a regular file (not a directory or link): what a typed listing would have said. */
export function isRegularFile(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false })?.isFile() ?? true; // gone: reading it says so
}

/** Pure: ids present in more than one folder of the same kind. */
export function findDuplicateIds(locations: readonly QueueLocation[]): DuplicateQueueId[] {
  // A folder never holds one name twice: with every file in one folder per kind (a big queue, empty other folders)
  // there is nothing to compare.
  if (!spansFolders(locations)) return [];
  const firstByKind = new Map<WorkDocumentKind, Map<string, QueueLocation>>();
  const groups = new Map<QueueLocation, QueueLocation[]>();
  for (const location of locations) {
    let first = firstByKind.get(location.kind);
    if (first === undefined) firstByKind.set(location.kind, (first = new Map()));
    const seen = first.get(location.id);
    if (seen === undefined) first.set(location.id, location);
    else groups.set(seen, [...(groups.get(seen) ?? [seen]), location]);
  }
  return [...groups.values()].map((group) => ({ kind: group[0]!.kind, id: group[0]!.id, locations: group }));
}

/** One folder's `*.md` ids as listed by name (sorted), with where the folder is (a normalized path). */
export type FolderIds = { kind: WorkDocumentKind; state: QueueState; dir: string; ids: readonly string[] };

/**
 * Pure: findDuplicateIds over folders listed by name, without a location (and its path) per file: per kind, the ids
 * of every folder but the largest go into a set the largest is checked against, and only ids found in two folders
 * get locations (`<dir>/<id>.md`). The same groups in the same order as findDuplicateIds over every location, folder
 * after folder. At start-up over 10,000 queued tasks that was 10,000 joined paths and a 10,000-entry map per run.
 */
export function findDuplicateIdsInFolders(folders: readonly FolderIds[]): DuplicateQueueId[] {
  const listed = folders.filter((f) => f.ids.length > 0);
  if (!spansFolders(listed)) return [];
  const duplicatedByKind = new Map<WorkDocumentKind, Set<string>>();
  for (const kind of new Set(listed.map((f) => f.kind))) {
    const ofKind = listed.filter((f) => f.kind === kind);
    if (ofKind.length < 2) continue;
    const largest = ofKind.reduce((a, b) => (b.ids.length > a.ids.length ? b : a));
    const seen = new Set<string>();
    const duplicated = new Set<string>();
    // A folder never holds one name twice: an id seen again comes from another folder.
    for (const folder of ofKind) if (folder !== largest) for (const id of folder.ids) (seen.has(id) ? duplicated : seen).add(id);
    for (const id of largest.ids) if (seen.has(id)) duplicated.add(id);
    if (duplicated.size > 0) duplicatedByKind.set(kind, duplicated);
  }
  if (duplicatedByKind.size === 0) return [];
  const locations: QueueLocation[] = [];
  for (const folder of listed) {
    const duplicated = duplicatedByKind.get(folder.kind);
    if (duplicated === undefined) continue;
    for (const id of folder.ids) if (duplicated.has(id)) locations.push({ kind: folder.kind, state: folder.state, id, path: `${folder.dir}${sep}${id}.md` });
  }
  return findDuplicateIds(locations);
}

/** Whether some kind has files in more than one folder (only then can an id be in two places). */
export function spansFolders(folders: ReadonlyArray<{ kind: WorkDocumentKind; state: QueueState }>): boolean {
  const folderByKind = new Map<WorkDocumentKind, QueueState>();
  for (const { kind, state } of folders) {
    const folder = folderByKind.get(kind);
    if (folder === undefined) folderByKind.set(kind, state);
    else if (folder !== state) return true;
  }
  return false;
}

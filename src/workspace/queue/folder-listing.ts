import { lstatSync, readdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import type { WorkDocumentKind } from '../../contracts/documents.js';
import type { QueueState } from '../../contracts/queue-move.js';
import { isErrno } from './exclusive-file.js';
import type { DuplicateQueueId, QueueLocation } from './queue-files.js';

/** What queue folders hold, by name: the listings every scan starts from, and ids found in two folders. */

/** `<id>.md` file names directly inside one folder, sorted (missing folder = empty). */
export async function listDocumentFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
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

/** `*.md` names directly inside one folder, sorted, without their types (missing folder = empty). */
export function listDocumentNames(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return [];
    throw error;
  }
  return names.filter((name) => name.endsWith('.md')).sort();
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

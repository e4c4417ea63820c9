import { stat } from 'node:fs/promises';
import { safeIdProblem, type WorkDocument, type WorkDocumentKind } from '../../contracts/documents.js';
import { MillraceError } from '../../errors/index.js';
import { documentInvalidError } from '../documents/problems.js';
import type { WorkspacePaths } from '../paths.js';
import { isErrno } from './exclusive-file.js';
import { SEARCH_ORDER, documentPath } from './layout.js';
import { readQueueFile, type QueueLocation } from './scan.js';

/** Throws ID_INVALID (exit 1) unless `id` is a safe identifier. */
export function assertWorkItemId(id: string, field = 'work_item_id'): void {
  const problem = safeIdProblem(id);
  if (problem) throw new MillraceError('ID_INVALID', `invalid work item id: ${field} ${problem}`, { exitCode: 1, field });
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
}

/** Every folder holding `<id>.md`, in search order (tasks, specs, incidents; lifecycle order within each). */
export async function findWorkItemFiles(paths: WorkspacePaths, id: string, kinds?: readonly WorkDocumentKind[]): Promise<QueueLocation[]> {
  const places = SEARCH_ORDER.filter((p) => kinds === undefined || kinds.includes(p.kind)).map((p) => ({ ...p, id, path: documentPath(paths, p.kind, p.state, id) }));
  const present = await Promise.all(places.map((p) => isFile(p.path)));
  return places.filter((_, i) => present[i]);
}

/** The first folder holding `<id>.md` (documents.md §9.2 order), or undefined. */
export async function locateWorkItem(paths: WorkspacePaths, id: string, kinds?: readonly WorkDocumentKind[]): Promise<QueueLocation | undefined> {
  assertWorkItemId(id);
  return (await findWorkItemFiles(paths, id, kinds))[0];
}

/** Locate and parse one document. NOT_FOUND when absent; DOCUMENT_INVALID (one line per problem) when it does not parse. */
export async function readWorkItem(paths: WorkspacePaths, id: string, kind?: WorkDocumentKind): Promise<QueueLocation & { document: WorkDocument }> {
  const location = await locateWorkItem(paths, id, kind ? [kind] : undefined);
  if (!location) throw new MillraceError('NOT_FOUND', `work item not found: ${id}`, { field: 'work_item_id' });
  const entry = await readQueueFile(paths, location);
  if (!entry) throw new MillraceError('NOT_FOUND', `work item not found: ${id}`, { field: 'work_item_id' });
  if (!('document' in entry)) throw documentInvalidError(entry.problems, 'fix the file in place; it is skipped by selection until it parses');
  return entry;
}

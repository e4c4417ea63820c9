import { workDocumentId, type WorkDocument } from '../../contracts/documents.js';
import { MillraceError } from '../../errors/index.js';
import { INPUT_SIZE_LIMITS, sizeLimitMessage } from '../../contracts/input-limits.js';
import { renderWorkDocument } from '../documents/index.js';
import type { WorkspacePaths } from '../paths.js';
import { createFileExclusive } from './exclusive-file.js';
import { INTAKE_STATE, displayPath, documentPath } from './layout.js';
import { findWorkItemFiles } from './locate.js';
import type { QueueLocation } from './scan.js';

export function duplicateError(paths: WorkspacePaths, doc: WorkDocument, existing: string): MillraceError {
  return new MillraceError('DUPLICATE_ID', `${doc.kind} ${workDocumentId(doc)} already exists at ${displayPath(paths, existing)}`, {
    exitCode: 1,
    file: displayPath(paths, existing),
    field: `${doc.kind}_id`,
    hint: 'work item ids must be unique across tasks, specs and incidents; choose another id',
  });
}

/**
 * Write a validated document, rendered canonically, into its kind's intake folder (tasks/queue, specs/queue,
 * incidents/incoming). Refuses an id already used by any task, spec or incident in any folder; the write is
 * atomic and never replaces a file.
 */
export async function enqueueWorkItem(paths: WorkspacePaths, doc: WorkDocument): Promise<QueueLocation> {
  const id = workDocumentId(doc);
  const [existing] = await findWorkItemFiles(paths, id);
  if (existing) throw duplicateError(paths, doc, existing.path);
  const state = INTAKE_STATE[doc.kind];
  const path = documentPath(paths, doc.kind, state, id);
  const text = renderWorkDocument(doc);
  // Canonical rendering may quote and escape: what is stored must still be readable within the document limit.
  if (Buffer.byteLength(text, 'utf8') > INPUT_SIZE_LIMITS['work document']) {
    const file = displayPath(paths, path);
    throw new MillraceError('DOCUMENT_INVALID', `${file}: (file): canonical text would be ${sizeLimitMessage('work document')}`, { exitCode: 1, file, field: '(file)' });
  }
  if (!(await createFileExclusive(path, text))) throw duplicateError(paths, doc, path);
  return { kind: doc.kind, state, id, path };
}

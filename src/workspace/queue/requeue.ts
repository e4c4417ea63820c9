import { join } from 'node:path';
import type { WorkDocumentKind } from '../../contracts/documents.js';
import { MillraceError } from '../../errors/index.js';
import type { WorkspacePaths } from '../paths.js';
import { appendLine } from '../state/append-line.js';
import { INTAKE_STATE, stateDir } from './layout.js';
import { moveWorkItem } from './move.js';
import type { QueueLocation } from './scan.js';

/**
 * Move an active item back to its intake folder and append `{"at","kind","reason"}` to
 * `<intake folder>/<id>.requeue.jsonl` (documents.md §7). The reason is checked before anything moves.
 */
export async function requeueWorkItem(paths: WorkspacePaths, kind: WorkDocumentKind, id: string, reason: string, now: Date = new Date()): Promise<QueueLocation> {
  const trimmed = reason.trim();
  if (trimmed === '') throw new MillraceError('INPUT_INVALID', 'requeue reason is required', { field: 'reason' });
  const location = await moveWorkItem(paths, kind, id, 'active', INTAKE_STATE[kind], { now });
  const line = JSON.stringify({ at: now.toISOString().replace(/(\.\d+)?Z$/, '+00:00'), kind, reason: trimmed });
  appendLine(join(stateDir(paths, kind, INTAKE_STATE[kind]), `${id}.requeue.jsonl`), line);
  return location;
}

import { lineageFieldsOf, type WorkDocument } from '../../contracts/documents.js';
import type { QueueState } from '../../contracts/queue-move.js';
import type { WorkspacePaths } from '../paths.js';
import { FULL_SCOPE, listQueue, type ScanScope } from '../queue/scan.js';
import { toWorkspaceRelative } from './contracts.js';
import type { LineageDocument, LineageState } from '../../contracts/lineage.js';

/** Where root specs that a closure target may defer wait: enough for selectDeferredRootSpecs. */
export const QUEUED_SPECS: ScanScope = { spec: ['queue'] };

const STATE: Record<QueueState, LineageState> = { queue: 'queue', incoming: 'queue', active: 'active', blocked: 'blocked', done: 'done', resolved: 'done' };

/** The lineage view of one parsed work document. */
export function toLineageDocument(document: WorkDocument, state: QueueState, path: string): LineageDocument {
  // Object.assign onto the fresh object: `{ ...fields, more }` is many times slower in V8, and ticks call this per document.
  return Object.assign(lineageFieldsOf(document), { state: STATE[state], path });
}

/**
 * Every valid task, spec and incident of the scoped folders (default: all) in scan order (tasks, specs, incidents);
 * unparsable files are skipped.
 */
export async function scanLineageDocuments(paths: WorkspacePaths, scope: ScanScope = FULL_SCOPE): Promise<LineageDocument[]> {
  const { items } = await listQueue(paths, scope);
  const order = { task: 0, spec: 1, incident: 2 } as const;
  return items
    .map((item) => toLineageDocument(item.document, item.state, toWorkspaceRelative(paths, item.path)))
    .sort((a, b) => order[a.kind] - order[b.kind] || a.path.localeCompare(b.path));
}

/** Lineage facts of work documents (routing.md §8, runtime.md §6.1): which root spec a document belongs to. Pure. */

export type LineageState = 'queue' | 'active' | 'blocked' | 'done';

/** The lineage-relevant view of one task, spec or incident document. */
export type LineageDocument = {
  kind: 'task' | 'spec' | 'incident';
  id: string;
  state: LineageState;
  /** Workspace-relative POSIX path. */
  path: string;
  root_spec_id: string | null;
  root_idea_id: string | null;
  /** task `spec_id`, incident `source_spec_id`, spec `spec_id`. */
  spec_id: string | null;
  /** Specs only. */
  source_type: string | null;
  parent_spec_id: string | null;
  /** `created_at` (incidents: `opened_at`). */
  created_at: string | null;
};

/** The fields that decide which root spec a document belongs to. */
export type LineageKey = Pick<LineageDocument, 'kind' | 'id' | 'root_spec_id' | 'spec_id' | 'source_type'>;

export const hasNoParent = (doc: LineageDocument) => doc.parent_spec_id === null || doc.parent_spec_id.trim().toLowerCase() === 'none';
export const isSeedSource = (doc: Pick<LineageDocument, 'source_type'>) => doc.source_type === 'idea' || doc.source_type === 'manual';

/** The root spec a document belongs to, for closure scoping (routing.md §8, documents.md §8.4). */
export function effectiveRootSpecId(doc: LineageKey): string | null {
  if (doc.root_spec_id) return doc.root_spec_id;
  if (doc.kind === 'task' || doc.kind === 'incident') return doc.spec_id;
  return isSeedSource(doc) ? doc.id : null;
}

/** A spec that starts a lineage of its own (and therefore may open a closure target). */
export function isRootSpecDocument(doc: LineageDocument): boolean {
  if (doc.kind !== 'spec') return false;
  if (doc.root_spec_id) return doc.id === doc.root_spec_id;
  return hasNoParent(doc) && isSeedSource(doc);
}

export const byCreatedThenId = (a: LineageDocument, b: LineageDocument) =>
  (a.created_at ?? '').localeCompare(b.created_at ?? '') || a.id.localeCompare(b.id);

/** Queued root specs of other lineages held back while `openRootSpecId` is open (routing.md §9.6). */
export function selectDeferredRootSpecs(openRootSpecId: string, documents: readonly LineageDocument[]): string[] {
  return documents
    .filter((d) => d.kind === 'spec' && d.state === 'queue' && isRootSpecDocument(d) && effectiveRootSpecId(d) !== openRootSpecId)
    .sort(byCreatedThenId)
    .map((d) => d.id);
}

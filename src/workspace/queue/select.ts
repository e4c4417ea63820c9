import {
  compareInstants,
  type Instant,
  lineageFieldsOf,
  parseTimestamp,
  type IncidentWorkDocument,
  type SpecWorkDocument,
  type TaskWorkDocument,
  type WorkDocument,
} from '../../contracts/documents.js';
import { effectiveRootSpecId } from '../../contracts/lineage.js';

/** Pure claim-order decisions (documents.md §8). No I/O: the callers pass what is on disk. */

export type SelectOptions = {
  /** While an Arbiter closure target is open, only documents with this effective root spec id are claimable. */
  rootSpecId?: string;
};

const orderingTimestamp = (doc: WorkDocument): string => (doc.kind === 'incident' ? doc.fields.opened_at : doc.fields.created_at);

/** Oldest first by timestamp (offset-less values count as UTC), then by id in code-point order. */
export function compareClaimOrder(a: { id: string; document: WorkDocument }, b: { id: string; document: WorkDocument }): number {
  const ta = parseTimestamp(orderingTimestamp(a.document));
  const tb = parseTimestamp(orderingTimestamp(b.document));
  const byTime = ta && tb ? compareInstants(ta, tb) : 0;
  return byTime || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

const inScope = (doc: WorkDocument, options: SelectOptions) => options.rootSpecId === undefined || effectiveRootSpecId(lineageFieldsOf(doc)) === options.rootSpecId;

/** The dependencies of a task that are not yet done. */
export const unmetDependencies = (task: TaskWorkDocument, doneIds: ReadonlySet<string>): string[] => task.fields.depends_on.filter((id) => !doneIds.has(id));

const NEVER: Instant = { ms: Number.POSITIVE_INFINITY, subMsNanos: 0 };

function oldest<D extends WorkDocument>(candidates: ReadonlyArray<{ id: string; document: D }>): { id: string; document: D } | undefined {
  let best: { id: string; document: D } | undefined;
  let bestAt = NEVER;
  for (const candidate of candidates) {
    const at = parseTimestamp(orderingTimestamp(candidate.document)) ?? NEVER;
    if (best === undefined || (compareInstants(at, bestAt) || (candidate.id < best.id ? -1 : candidate.id > best.id ? 1 : 0)) < 0) {
      best = candidate;
      bestAt = at;
    }
  }
  return best;
}

/**
 * The next claimable task: in scope, every `depends_on` id done (a blocked, queued or unknown dependency keeps
 * the task waiting), then oldest `created_at`, then smallest `task_id`.
 */
export function selectNextTask<T extends { id: string; document: TaskWorkDocument }>(
  candidates: readonly T[],
  doneIds: ReadonlySet<string>,
  options: SelectOptions = {},
): T | undefined {
  return oldest(candidates.filter((c) => inScope(c.document, options) && unmetDependencies(c.document, doneIds).length === 0)) as T | undefined;
}

/** Incoming incidents always win over queued specs; within a kind, oldest first (documents.md §8.2). */
export function selectNextPlanningItem<I extends { id: string; document: IncidentWorkDocument }, S extends { id: string; document: SpecWorkDocument }>(
  incidents: readonly I[],
  specs: readonly S[],
  options: SelectOptions = {},
): I | S | undefined {
  return (oldest(incidents.filter((c) => inScope(c.document, options))) as I | undefined) ?? (oldest(specs.filter((c) => inScope(c.document, options))) as S | undefined);
}

/** A plane with one active item is busy; more than one is an inconsistent workspace. */
export type PlaneOccupancy = { status: 'free' } | { status: 'busy'; activeId: string } | { status: 'conflict'; activeIds: string[] };

export function decidePlaneOccupancy(activeIds: readonly string[]): PlaneOccupancy {
  if (activeIds.length === 0) return { status: 'free' };
  if (activeIds.length === 1) return { status: 'busy', activeId: activeIds[0]! };
  return { status: 'conflict', activeIds: [...activeIds] };
}

export type ClaimPlane = 'execution' | 'planning';

/** What a plane would do next, decided from a listing of its folders. */
export type NextWorkDecision<T> =
  | { status: 'claimable'; item: T }
  | { status: 'busy'; activeId: string }
  | { status: 'conflict'; activeIds: string[] }
  | { status: 'idle'; waiting: number };

type Candidate = { kind: string; state: string; id: string; document: WorkDocument };

/**
 * Pure: `located` is every `*.md` (valid or not) in the plane's folders, `items` the valid ones. Invalid files
 * still occupy an active slot, but are never selected.
 */
export function decideNextWorkItem<T extends Candidate>(
  plane: ClaimPlane,
  located: ReadonlyArray<{ kind: string; state: string; id: string }>,
  items: readonly T[],
  options: SelectOptions = {},
): NextWorkDecision<T> {
  const kinds = plane === 'execution' ? ['task'] : ['spec', 'incident'];
  const occupancy = decidePlaneOccupancy(located.filter((l) => kinds.includes(l.kind) && l.state === 'active').map((l) => l.id));
  if (occupancy.status !== 'free') return occupancy;
  const queued = items.filter((i) => kinds.includes(i.kind) && (i.state === 'queue' || i.state === 'incoming'));
  let next: T | undefined;
  if (plane === 'execution') {
    const done = new Set(located.filter((l) => l.kind === 'task' && l.state === 'done').map((l) => l.id));
    next = selectNextTask(queued as Array<T & { document: TaskWorkDocument }>, done, options);
  } else {
    next = selectNextPlanningItem(
      queued.filter((i) => i.kind === 'incident') as Array<T & { document: IncidentWorkDocument }>,
      queued.filter((i) => i.kind === 'spec') as Array<T & { document: SpecWorkDocument }>,
      options,
    );
  }
  return next ? { status: 'claimable', item: next } : { status: 'idle', waiting: queued.length };
}

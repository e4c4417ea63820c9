import { compareInstants, type Instant, lineageFieldsOf, parseTimestamp, type WorkDocument } from '../../contracts/documents.js';
import { effectiveRootSpecId } from '../../contracts/lineage.js';
import { targetPathsOverlap } from './path-overlap.js';

/** Pure claim-order decisions (documents.md §8). No I/O: the callers pass what is on disk. */

export type SelectOptions = {
  /** While an Arbiter closure target is open, only documents with this effective root spec id are claimable. */
  rootSpecId?: string;
};

/** What claim order needs from a document; computed once per parse so a scan never re-reads fields to select. */
export type ClaimFacts = {
  /** `created_at` (incidents: `opened_at`) as an instant; null when it does not parse. */
  at: Instant | null;
  dependsOn: readonly string[];
  /** The effective root spec id (closure scoping). */
  rootSpecId: string | null;
};

export function claimFactsOf(doc: WorkDocument): ClaimFacts {
  const at = parseTimestamp(doc.kind === 'incident' ? doc.fields.opened_at : doc.fields.created_at) ?? null;
  return { at, dependsOn: doc.kind === 'task' ? doc.fields.depends_on : [], rootSpecId: effectiveRootSpecId(lineageFieldsOf(doc)) };
}

type Claimable = { id: string; claim: ClaimFacts };

const NEVER: Instant = { ms: Number.POSITIVE_INFINITY, subMsNanos: 0 };
const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Claim order over facts already read: oldest first by timestamp (offset-less values count as UTC), then by id. */
const compareClaims = (a: ClaimFacts, aId: string, b: ClaimFacts, bId: string): number => compareInstants(a.at ?? NEVER, b.at ?? NEVER) || byId(aId, bId);

/** Oldest first by timestamp (offset-less values count as UTC), then by id in code-point order. */
export function compareClaimOrder(a: Claimable, b: Claimable): number {
  return compareClaims(a.claim, a.id, b.claim, b.id);
}

const inScope = (candidate: Claimable, options: SelectOptions) => claimInScope(candidate.claim, options);
const claimInScope = (claim: ClaimFacts, options: SelectOptions) => options.rootSpecId === undefined || claim.rootSpecId === options.rootSpecId;

/** The dependencies of a task that are not yet done. */
export const unmetDependencies = (task: Claimable, doneIds: ReadonlySet<string>): string[] => task.claim.dependsOn.filter((id) => !doneIds.has(id));

/**
 * The first candidate in claim order among those whose claim facts `accept` (the first of equals in iteration order).
 * One pass, and each candidate's `claim` read once: a listed item makes its facts each time they are asked for, and a
 * claim over 10,000 queued tasks made them four or five times per task.
 */
function oldestAccepted<C extends Claimable>(candidates: Iterable<C>, accept: (claim: ClaimFacts) => boolean): C | undefined {
  let best: C | undefined;
  let bestClaim: ClaimFacts | undefined;
  for (const candidate of candidates) {
    const claim = candidate.claim;
    if (!accept(claim)) continue;
    if (best === undefined || compareClaims(claim, candidate.id, bestClaim!, best.id) < 0) {
      best = candidate;
      bestClaim = claim;
    }
  }
  return best;
}

/**
 * The next claimable task: in scope, every `depends_on` id done (a blocked, queued or unknown dependency keeps
 * the task waiting), then oldest `created_at`, then smallest `task_id`.
 */
export function selectNextTask<T extends Claimable>(candidates: readonly T[], doneIds: ReadonlySet<string>, options: SelectOptions = {}): T | undefined {
  return oldestAccepted(candidates, (claim) => claimInScope(claim, options) && claim.dependsOn.every((id) => doneIds.has(id)));
}

/** Incoming incidents always win over queued specs; within a kind, oldest first (documents.md §8.2). */
export function selectNextPlanningItem<I extends Claimable, S extends Claimable>(incidents: readonly I[], specs: readonly S[], options: SelectOptions = {}): I | S | undefined {
  const accept = (claim: ClaimFacts) => claimInScope(claim, options);
  return oldestAccepted(incidents, accept) ?? oldestAccepted(specs, accept);
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

type Candidate = Claimable & { kind: string; state: string };

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
    next = selectNextTask(queued, done, options);
  } else {
    next = selectNextPlanningItem(
      queued.filter((i) => i.kind === 'incident'),
      queued.filter((i) => i.kind === 'spec'),
      options,
    );
  }
  return next ? { status: 'claimable', item: next } : { status: 'idle', waiting: queued.length };
}

/** A queued task as lane selection sees it: claim facts plus its `target_paths`. */
export type LaneCandidate = Claimable & { targetPaths: readonly string[] };

export type LaneSelectOptions = SelectOptions & {
  /** `none`: tasks share the working tree, so a task overlapping a running one waits (path-overlap.ts). */
  isolation: 'none' | 'worktree';
  /** The `target_paths` of every task running in a lane. */
  running: ReadonlyArray<readonly string[]>;
};

/**
 * The next task a free lane claims: the claim order of selectNextTask (in scope, dependencies done, oldest, smallest
 * id), skipping with `isolation = "none"` every task whose target paths overlap a running task's. A skipped task
 * waits; a later, non-overlapping task may go first.
 */
export function selectNextLaneTask<T extends LaneCandidate>(candidates: readonly T[], doneIds: ReadonlySet<string>, options: LaneSelectOptions): T | undefined {
  const ready = candidates.filter((c) => inScope(c, options) && c.claim.dependsOn.every((id) => doneIds.has(id))).sort(compareClaimOrder);
  if (options.isolation === 'worktree') return ready[0];
  return ready.find((c) => !options.running.some((paths) => targetPathsOverlap(c.targetPaths, paths)));
}

import type { Plane } from '@millrace/plugin-api';
import type { ActiveRunState, RuntimeSnapshot } from '../../contracts/runtime-state.js';

const PLANE_ORDER: readonly Plane[] = ['planning', 'execution', 'learning'];

type RetryableRun = ActiveRunState & { work_item_kind: NonNullable<ActiveRunState['work_item_kind']>; work_item_id: string };

/** `lane` is the execution lane holding the run (docs/parallel.md), null for a plane's serial run. */
export type RetrySelection =
  | { kind: 'retry'; run: RetryableRun; lane: number | null }
  | {
      kind: 'skip';
      detail: string;
      skipEvent: null | { reason: 'multiple_active_planes' | 'multiple_active_items' | 'non_retryable_active_run' | 'item_not_active'; requested_scope: Plane | null; active_planes: Plane[]; requested_item?: string; active_items?: string[] };
    };

type RetrySnapshot = Pick<RuntimeSnapshot, 'active_runs_by_plane'> & Partial<Pick<RuntimeSnapshot, 'execution_lanes'>>;
type Candidate = { run: ActiveRunState; lane: number | null };

export function activePlanes(snapshot: RetrySnapshot): Plane[] {
  return PLANE_ORDER.filter((p) => snapshot.active_runs_by_plane[p] !== undefined || (p === 'execution' && (snapshot.execution_lanes ?? []).length > 0));
}

const planeList = (planes: Plane[]) => (planes.length > 0 ? planes.join(', ') : 'none');

/** Every active run: the planes' serial runs, then the execution lanes' runs lowest lane first. */
function candidates(snapshot: RetrySnapshot): Candidate[] {
  const planeRuns = PLANE_ORDER.flatMap((p) => (snapshot.active_runs_by_plane[p] ? [{ run: snapshot.active_runs_by_plane[p]!, lane: null }] : []));
  const laneRuns = [...(snapshot.execution_lanes ?? [])].sort((a, b) => a.lane - b.lane).map((l) => ({ run: l.run, lane: l.lane }));
  return [...planeRuns, ...laneRuns];
}

const describe = (c: Candidate) => `${c.run.work_item_id ?? c.run.stage} (${c.lane !== null ? `lane ${c.lane}` : c.run.plane})`;

function retryOf(c: Candidate, scope: Plane | null, planes: Plane[]): RetrySelection {
  const { run } = c;
  if (run.work_item_kind === null || run.work_item_id === null) {
    return { kind: 'skip', detail: `active ${run.plane} run is not a retryable work item`, skipEvent: { reason: 'non_retryable_active_run', requested_scope: scope, active_planes: planes } };
  }
  return { kind: 'retry', run: run as RetryableRun, lane: c.lane };
}

/**
 * Which active run `retry-active` requeues, or why it does nothing (control-and-inspection.md §2.4). `item` picks the
 * run of one work item (a lane's task or a plane's item). Without it, several busy lanes are ambiguous: nothing is
 * retried and the detail names the active items, so the operator can repeat the command with `--item`.
 */
export function selectRetryRun(snapshot: RetrySnapshot, scope: Plane | null, item: string | null = null): RetrySelection {
  const planes = activePlanes(snapshot);
  const all = candidates(snapshot).filter((c) => scope === null || c.run.plane === scope);
  if (item !== null) {
    const found = all.find((c) => c.run.work_item_id === item);
    if (found) return retryOf(found, scope, planes);
    const active = all.flatMap((c) => (c.run.work_item_id ? [c.run.work_item_id] : []));
    return {
      kind: 'skip',
      detail: `${item} is not an active work item${scope ? ` of the ${scope} plane` : ''}; active items are ${active.length > 0 ? all.map(describe).join(', ') : 'none'}`,
      skipEvent: { reason: 'item_not_active', requested_scope: scope, active_planes: planes, requested_item: item, active_items: active },
    };
  }
  if (scope) {
    if (all.length === 0) return { kind: 'skip', detail: `${scope} retry requires matching active plane; current active planes are ${planeList(planes)}`, skipEvent: null };
  } else if (all.length === 0) {
    return { kind: 'skip', detail: 'no active work item to retry', skipEvent: null };
  }
  if (all.length > 1) {
    if (all.every((c) => c.lane === null)) {
      return { kind: 'skip', detail: 'multiple active planes; retry-active requires a plane scope', skipEvent: { reason: 'multiple_active_planes', requested_scope: scope, active_planes: planes } };
    }
    const active = all.flatMap((c) => (c.run.work_item_id ? [c.run.work_item_id] : []));
    return {
      kind: 'skip',
      detail: `several active items: ${all.map(describe).join(', ')}; retry-active requires --item <id>`,
      skipEvent: { reason: 'multiple_active_items', requested_scope: scope, active_planes: planes, active_items: active },
    };
  }
  return retryOf(all[0]!, scope, planes);
}

/** `planning retry-active` refuses early when no planning run exists. */
export function planningRetryPrecheck(snapshot: RetrySnapshot): string | null {
  return snapshot.active_runs_by_plane.planning ? null : `planning retry requires active planning work; current active planes are ${planeList(activePlanes(snapshot))}`;
}

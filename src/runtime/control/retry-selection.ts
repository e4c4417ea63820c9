import type { Plane } from '@millrace/plugin-api';
import type { ActiveRunState, RuntimeSnapshot } from '../../contracts/runtime-state.js';

const PLANE_ORDER: readonly Plane[] = ['planning', 'execution', 'learning'];

export type RetrySelection =
  | { kind: 'retry'; run: ActiveRunState & { work_item_kind: NonNullable<ActiveRunState['work_item_kind']>; work_item_id: string } }
  | { kind: 'skip'; detail: string; skipEvent: null | { reason: 'multiple_active_planes' | 'non_retryable_active_run'; requested_scope: Plane | null; active_planes: Plane[] } };

export function activePlanes(snapshot: Pick<RuntimeSnapshot, 'active_runs_by_plane'>): Plane[] {
  return PLANE_ORDER.filter((p) => snapshot.active_runs_by_plane[p] !== undefined);
}

const planeList = (planes: Plane[]) => (planes.length > 0 ? planes.join(', ') : 'none');

/** Which active run `retry-active` requeues, or why it does nothing (control-and-inspection.md §2.4). */
export function selectRetryRun(snapshot: Pick<RuntimeSnapshot, 'active_runs_by_plane'>, scope: Plane | null): RetrySelection {
  const planes = activePlanes(snapshot);
  let run: ActiveRunState | undefined;
  if (scope) {
    run = snapshot.active_runs_by_plane[scope];
    if (!run) return { kind: 'skip', detail: `${scope} retry requires matching active plane; current active planes are ${planeList(planes)}`, skipEvent: null };
  } else {
    if (planes.length === 0) return { kind: 'skip', detail: 'no active work item to retry', skipEvent: null };
    if (planes.length > 1) {
      return { kind: 'skip', detail: 'multiple active planes; retry-active requires a plane scope', skipEvent: { reason: 'multiple_active_planes', requested_scope: null, active_planes: planes } };
    }
    run = snapshot.active_runs_by_plane[planes[0]!];
  }
  if (!run || run.work_item_kind === null || run.work_item_id === null) {
    const plane = run?.plane ?? scope ?? 'execution';
    return { kind: 'skip', detail: `active ${plane} run is not a retryable work item`, skipEvent: { reason: 'non_retryable_active_run', requested_scope: scope, active_planes: planes } };
  }
  return { kind: 'retry', run: run as Extract<RetrySelection, { kind: 'retry' }>['run'] };
}

/** `planning retry-active` refuses early when no planning run exists. */
export function planningRetryPrecheck(snapshot: Pick<RuntimeSnapshot, 'active_runs_by_plane'>): string | null {
  return snapshot.active_runs_by_plane.planning ? null : `planning retry requires active planning work; current active planes are ${planeList(activePlanes(snapshot))}`;
}

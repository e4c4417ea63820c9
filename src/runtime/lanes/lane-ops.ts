import type { ActiveRunState, LaneState, RuntimeSnapshot } from '../../contracts/runtime-state.js';
import { projectForeground } from '../decide/snapshot-ops.js';

/** Pure lane transitions of the snapshot (docs/parallel.md). Lanes are numbered from 1 and kept sorted. */

export function busyLanes(s: RuntimeSnapshot): LaneState[] {
  return [...(s.execution_lanes ?? [])].sort((a, b) => a.lane - b.lane);
}

export function findLane(s: RuntimeSnapshot, lane: number): LaneState | undefined {
  return s.execution_lanes?.find((l) => l.lane === lane);
}

/** Lane numbers 1..max without a run, lowest first. */
export function freeLaneNumbers(s: RuntimeSnapshot, max: number): number[] {
  const busy = new Set((s.execution_lanes ?? []).map((l) => l.lane));
  return Array.from({ length: max }, (_, i) => i + 1).filter((n) => !busy.has(n));
}

export function putLane(s: RuntimeSnapshot, lane: LaneState): RuntimeSnapshot {
  const others = (s.execution_lanes ?? []).filter((l) => l.lane !== lane.lane);
  return { ...s, execution_lanes: [...others, lane].sort((a, b) => a.lane - b.lane) };
}

export function dropLane(s: RuntimeSnapshot, lane: number): RuntimeSnapshot {
  return { ...s, execution_lanes: (s.execution_lanes ?? []).filter((l) => l.lane !== lane) };
}

/**
 * The snapshot one lane's stage is decided and applied against: the lane's run is the execution plane's active run
 * (so routing, counters and reconciliation work unchanged). `withPlanning` keeps the planning run beside it.
 */
export function laneView(s: RuntimeSnapshot, lane: LaneState, withPlanning: boolean): RuntimeSnapshot {
  const planning = withPlanning ? s.active_runs_by_plane.planning : undefined;
  return projectForeground({ ...s, active_runs_by_plane: { ...(planning ? { planning } : {}), execution: lane.run } });
}

/**
 * Fold a lane view back into the real snapshot: the lane keeps the view's execution run (or is freed when the run
 * ended), with its marker; the results of the stage (last result, queue depths) carry over.
 */
export function mergeLaneView(real: RuntimeSnapshot, view: RuntimeSnapshot, lane: LaneState, marker: string, withPlanning: boolean): RuntimeSnapshot {
  const run: ActiveRunState | undefined = view.active_runs_by_plane.execution;
  const runs = { ...real.active_runs_by_plane };
  if (withPlanning) {
    if (view.active_runs_by_plane.planning) runs.planning = view.active_runs_by_plane.planning;
    else delete runs.planning;
  }
  let next: RuntimeSnapshot = projectForeground({
    ...real,
    active_runs_by_plane: runs,
    last_terminal_result: view.last_terminal_result,
    last_stage_result_path: view.last_stage_result_path,
    queue_depth_execution: view.queue_depth_execution,
    queue_depth_planning: view.queue_depth_planning,
    queue_depth_learning: view.queue_depth_learning,
    queue_depths_by_plane: view.queue_depths_by_plane,
    updated_at: view.updated_at,
  });
  next = run ? putLane(next, { ...lane, run, status_marker: marker }) : dropLane(next, lane.lane);
  return next;
}

/**
 * Startup migration between serial and lane snapshots. Lanes on: a serial execution run becomes lane 1's run.
 * Lanes off: the lowest lane's run becomes the execution plane's run; other lanes are dropped (their documents are
 * then unreferenced and requeued by the orphan repair).
 */
export function migrateLanes(s: RuntimeSnapshot, lanesOn: boolean, marker: string): RuntimeSnapshot {
  if (lanesOn) {
    const run = s.active_runs_by_plane.execution;
    const base: RuntimeSnapshot = { ...s, execution_lanes: s.execution_lanes ?? [] };
    if (!run || run.work_item_kind !== 'task') return base;
    const runs = { ...s.active_runs_by_plane };
    delete runs.execution;
    const lane = freeLaneNumbers(base, (base.execution_lanes?.length ?? 0) + 1)[0]!;
    return putLane(projectForeground({ ...base, active_runs_by_plane: runs }), { lane, run, status_marker: marker, worktree_path: null, branch: null, base_branch: null });
  }
  if (s.execution_lanes === undefined) return s;
  const first = busyLanes(s)[0];
  const { execution_lanes: _dropped, ...rest } = s;
  if (!first || rest.active_runs_by_plane.execution) return rest;
  return projectForeground({ ...rest, active_runs_by_plane: { ...rest.active_runs_by_plane, execution: first.run } });
}

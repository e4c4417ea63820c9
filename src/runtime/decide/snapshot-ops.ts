import type { Plane } from '@millrace/plugin-api';
import { FOREGROUND_ORDER, IDLE_MARKER, PLANES, type ActiveRunState, type RuntimeSnapshot } from '../../contracts/runtime-state.js';
import type { RuntimePlan } from '../plan-view.js';

/** Pure snapshot transitions (runtime.md §8). Each returns a new snapshot with the legacy projection refreshed. */

function foreground(s: RuntimeSnapshot): ActiveRunState | null {
  for (const plane of FOREGROUND_ORDER) {
    const run = s.active_runs_by_plane[plane];
    if (run) return run;
  }
  return null;
}

/** Legacy `active_*` fields mirror the foreground run (planning > execution > learning). */
export function projectForeground(s: RuntimeSnapshot): RuntimeSnapshot {
  return projectRun(s, foreground(s));
}

function projectRun(s: RuntimeSnapshot, run: ActiveRunState | null): RuntimeSnapshot {
  return {
    ...s,
    active_plane: run?.plane ?? null,
    active_stage: run?.stage ?? null,
    active_node_id: run?.node_id ?? null,
    active_stage_kind_id: run?.stage_kind_id ?? null,
    active_run_id: run?.run_id ?? null,
    active_work_item_kind: run?.work_item_kind ?? null,
    active_work_item_id: run?.work_item_id ?? null,
    active_since: run?.active_since ?? null,
  };
}

/** The snapshot as routing sees it for a result of `plane` (routing.md §2). */
export function projectOntoPlane(s: RuntimeSnapshot, plane: Plane): RuntimeSnapshot {
  return projectRun(s, s.active_runs_by_plane[plane] ?? null);
}

export function activeRuns(s: RuntimeSnapshot): ActiveRunState[] {
  return FOREGROUND_ORDER.map((p) => s.active_runs_by_plane[p]).filter((r): r is ActiveRunState => r !== undefined);
}

export function installRun(s: RuntimeSnapshot, run: ActiveRunState, now: Date): RuntimeSnapshot {
  return projectForeground({ ...s, active_runs_by_plane: { ...s.active_runs_by_plane, [run.plane]: run }, current_failure_class: null, updated_at: now.toISOString() });
}

export function replaceRunStage(
  s: RuntimeSnapshot,
  plane: Plane,
  next: { stage: ActiveRunState['stage']; node_id: string; stage_kind_id: string; run_id?: string },
  failureClass: string | null,
  now: Date,
): RuntimeSnapshot {
  const run = s.active_runs_by_plane[plane];
  if (!run) return s;
  const updated: ActiveRunState = { ...run, stage: next.stage, node_id: next.node_id, stage_kind_id: next.stage_kind_id, run_id: next.run_id ?? run.run_id, active_since: now.toISOString(), running_status_marker: null };
  return projectForeground({ ...s, active_runs_by_plane: { ...s.active_runs_by_plane, [plane]: updated }, current_failure_class: failureClass, updated_at: now.toISOString() });
}

const ZERO_COUNTS = { troubleshoot_attempt_count: 0, mechanic_attempt_count: 0, fix_cycle_count: 0, consultant_invocations: 0 } as const;

export function clearPlaneRun(s: RuntimeSnapshot, plane: Plane, failureClass: string | null, now: Date): RuntimeSnapshot {
  const runs = { ...s.active_runs_by_plane };
  delete runs[plane];
  return projectForeground({ ...s, ...ZERO_COUNTS, active_runs_by_plane: runs, current_failure_class: failureClass, updated_at: now.toISOString() });
}

export function setPlaneMarker(s: RuntimeSnapshot, plane: Plane, marker: string, now: Date): RuntimeSnapshot {
  const field = `${plane}_status_marker` as const;
  return { ...s, [field]: marker, status_markers_by_plane: { ...s.status_markers_by_plane, [plane]: marker }, updated_at: now.toISOString() };
}

/** Idle update (runtime.md §5.7), status files excluded. */
export function idleSnapshot(s: RuntimeSnapshot, options: { processRunning: boolean; clearPause?: boolean; clearStop?: boolean }, now: Date): RuntimeSnapshot {
  let next: RuntimeSnapshot = projectForeground({ ...s, ...ZERO_COUNTS, process_running: options.processRunning, active_runs_by_plane: {}, current_failure_class: null, updated_at: now.toISOString() });
  if (next.execution_lanes) next = { ...next, execution_lanes: [] };
  for (const plane of PLANES) next = setPlaneMarker(next, plane, IDLE_MARKER, now);
  if (options.clearPause) next = { ...next, paused: false, pause_sources: [] };
  if (options.clearStop) next = { ...next, stop_requested: false };
  return next;
}

export function withQueueDepths(s: RuntimeSnapshot, depths: Record<Plane, number>, now: Date, includeMap = true): RuntimeSnapshot {
  return {
    ...s,
    queue_depth_execution: depths.execution,
    queue_depth_planning: depths.planning,
    queue_depth_learning: depths.learning,
    ...(includeMap ? { queue_depths_by_plane: { ...depths } } : {}),
    updated_at: now.toISOString(),
  };
}

/** The snapshot fields that name the plan in force: its mode, loops and id (on startup and on a config reload). */
export function withPlanIdentity(s: RuntimeSnapshot, plan: RuntimePlan): RuntimeSnapshot {
  return {
    ...s,
    active_mode_id: plan.mode_id,
    execution_loop_id: plan.execution_loop_id,
    planning_loop_id: plan.planning_loop_id,
    learning_loop_id: plan.learning_loop_id,
    loop_ids_by_plane: { ...plan.loop_ids_by_plane },
    compiled_plan_id: plan.compiled_plan_id,
  };
}

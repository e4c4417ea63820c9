import type { Plane, StageName } from '@millrace/plugin-api';
import type { RecoveryCounters, RuntimeSnapshot } from '../../contracts/runtime-state.js';
import { IDLE_MARKER } from '../../contracts/runtime-state.js';
import { graphFor, type RuntimePlan } from '../plan-view.js';

export type ReconciliationSignal = {
  code: 'stale_active_ownership' | 'impossible_execution_status_marker' | 'impossible_planning_status_marker' | 'orphaned_recovery_counters';
  failure_class: string;
  plane: Plane;
  recommended_stage: StageName;
};

export const INVALID_STATUS_MARKER = '### INVALID_STATUS_MARKER';

/** Read a status file's content as a marker; anything but one non-empty line is the invalid sentinel. */
export function parseStatusFile(text: string | undefined): string {
  const lines = (text ?? '').trim().split(/\r?\n/).filter((l) => l.trim() !== '');
  return lines.length === 1 ? lines[0]!.trim() : INVALID_STATUS_MARKER;
}

function markerAcceptable(plan: RuntimePlan, plane: Plane, marker: string, nodeId: string | null, stage: string): boolean {
  const graph = graphFor(plan, plane);
  if (!graph) return true;
  const allowed = new Set<string>([IDLE_MARKER]);
  for (const node of graph.nodes) {
    allowed.add(`### ${node.running_status_marker}`);
    for (const outcome of Object.keys(node.allowed_result_classes_by_outcome)) allowed.add(`### ${outcome}`);
  }
  for (const t of graph.terminal_states) allowed.add(`### ${t.writes_status}`);
  if (!allowed.has(marker)) return false;
  const node = graph.nodes.find((n) => n.node_id === nodeId) ?? graph.nodes.find((n) => n.node_id === stage);
  if (!node) return false;
  if (marker === IDLE_MARKER || marker === `### ${node.running_status_marker}`) return true;
  if (Object.keys(node.allowed_result_classes_by_outcome).some((o) => `### ${o}` === marker)) return true;
  // The marker the previous stage left behind when routing into this node ("inbound").
  return graph.compiled_transitions.some((t) => t.target_node_id === node.node_id && `### ${t.outcome}` === marker);
}

/**
 * Pure: stale or impossible state signals, in the spec's order (runtime.md §5.6). Only the first is applied.
 * `statusMarkers` holds the parsed content of the execution and planning status files.
 */
export function detectReconciliationSignals(
  snapshot: RuntimeSnapshot,
  counters: RecoveryCounters,
  statusMarkers: { execution: string; planning: string },
  plan: RuntimePlan,
): ReconciliationSignal[] {
  const signals: ReconciliationSignal[] = [];
  const plane = snapshot.active_plane;
  const stage = snapshot.active_stage;
  if (stage !== null && plane !== null && !snapshot.process_running) {
    let recommended: StageName = 'troubleshooter';
    if (plane === 'planning') recommended = 'mechanic';
    else {
      const entry = counters.entries.find(
        (e) => e.failure_class === 'stale_active_ownership' && e.work_item_kind === snapshot.active_work_item_kind && e.work_item_id === snapshot.active_work_item_id,
      );
      if (entry && entry.troubleshoot_attempt_count >= 2) recommended = 'consultant';
    }
    signals.push({ code: 'stale_active_ownership', failure_class: 'stale_active_ownership', plane, recommended_stage: recommended });
  }
  if (stage !== null && plane === 'execution' && !markerAcceptable(plan, 'execution', statusMarkers.execution, snapshot.active_node_id, stage)) {
    signals.push({ code: 'impossible_execution_status_marker', failure_class: 'impossible_status_marker', plane: 'execution', recommended_stage: 'troubleshooter' });
  }
  if (stage !== null && plane === 'planning' && !markerAcceptable(plan, 'planning', statusMarkers.planning, snapshot.active_node_id, stage)) {
    signals.push({ code: 'impossible_planning_status_marker', failure_class: 'impossible_status_marker', plane: 'planning', recommended_stage: 'mechanic' });
  }
  if (stage === null) {
    const orphan = counters.entries.find((e) => e.troubleshoot_attempt_count > 0 || e.mechanic_attempt_count > 0 || e.fix_cycle_count > 0 || e.consultant_invocations > 0);
    if (orphan) {
      const execution = orphan.work_item_kind === 'task';
      signals.push({
        code: 'orphaned_recovery_counters',
        failure_class: 'stale_recovery_without_active_stage',
        plane: execution ? 'execution' : 'planning',
        recommended_stage: execution ? 'troubleshooter' : 'mechanic',
      });
    }
  }
  return signals;
}

import type { RuntimeSnapshot, StageResultEnvelope } from '../../contracts/runtime-state.js';
import type { HandoffIncident, WorkItemLineage } from '../queue-port.js';
import type { RouterDecision } from './route.js';

/** Pure: the consultant handoff incident with lineage copied from the source document (routing.md §6). */
export function decideHandoffIncident(input: {
  result: StageResultEnvelope;
  decision: RouterDecision;
  snapshot: RuntimeSnapshot;
  lineage: WorkItemLineage | null;
  suffix: string;
  now: Date;
}): HandoffIncident {
  const { result: r, decision: d, lineage: l } = input;
  const kind = r.work_item_kind;
  let root_idea_id: string | null = null;
  let root_spec_id: string | null = null;
  let source_task_id: string | null = null;
  let source_spec_id: string | null = null;
  if (kind === 'task') {
    source_task_id = r.work_item_id;
    if (l) {
      root_idea_id = l.root_idea_id;
      root_spec_id = source_spec_id = l.root_spec_id ?? l.spec_id;
    }
  } else if (kind === 'spec') {
    source_spec_id = r.work_item_id;
    root_idea_id = l?.root_idea_id ?? null;
    root_spec_id = l?.root_spec_id ?? r.work_item_id;
  } else if (l) {
    root_idea_id = l.root_idea_id;
    root_spec_id = l.root_spec_id ?? l.source_spec_id;
    source_task_id = l.source_task_id;
    source_spec_id = l.source_spec_id;
  }
  const meta = r.metadata;
  const evidence = [...r.artifact_paths];
  for (const key of ['preferred_rubric_path', 'preferred_verdict_path', 'preferred_report_path'] as const) {
    const v = meta[key];
    if (typeof v === 'string' && v !== '' && !evidence.includes(v)) evidence.push(v);
  }
  return {
    incident_id: `incident-${r.work_item_id}-${input.suffix}`,
    title: `Planning handoff for ${kind} ${r.work_item_id}`,
    summary: `Stage ${r.stage} returned ${r.terminal_result}; planning remediation required.`,
    root_idea_id,
    root_spec_id,
    source_task_id,
    source_spec_id,
    source_stage: r.stage,
    source_plane: r.plane,
    failure_class: d.failure_class ?? 'consultant_needs_planning',
    severity: 'high',
    needs_planning: true,
    trigger_reason: d.reason,
    consultant_decision: 'needs_planning',
    opened_at: input.now.toISOString(),
    opened_by: 'runtime',
    observed_symptoms: r.notes,
    failed_attempts: [],
    evidence_paths: evidence,
    related_run_ids: [r.run_id],
    related_stage_results: input.snapshot.last_stage_result_path ? [input.snapshot.last_stage_result_path] : [],
  };
}

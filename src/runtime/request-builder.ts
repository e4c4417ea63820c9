import { join } from 'node:path';
import { StageRunRequestSchema, type StageRunRequest } from '@millrace/plugin-api';
import type { ActiveRunState } from '../contracts/runtime-state.js';
import type { WorkspacePaths } from '../workspace/paths.js';
import { statusFilePath } from '../workspace/state/status-files.js';
import type { PlanNode } from './plan-view.js';
import type { ClosureRequestFields } from './tick-steps.js';

export type RequestInputs = {
  paths: WorkspacePaths;
  node: PlanNode;
  run: ActiveRunState;
  requestId: string;
  modeId: string;
  compiledPlanId: string;
  workItemPath: string | null;
  closure: ClosureRequestFields | null;
  runtimeError: { code: string; reportPath: string; catalogPath: string | null } | null;
  defaultRunner: string | null;
};

/**
 * Pure: the StageRunRequest for the active run at its compiled node (runners.md §2), checked against its schema.
 * `validate: false` skips the check, for a node whose requests passed it before: the rest of a request is the active
 * run (validated with the snapshot), the runtime's own ids and paths, and fields whose agreement holds by construction.
 */
export function buildStageRunRequest(i: RequestInputs, options: { validate?: boolean } = {}): StageRunRequest {
  const { paths, node, run } = i;
  const runDir = join(paths.runs, run.run_id);
  const abs = (p: string) => join(paths.runtimeRoot, p);
  const closure = i.closure;
  const request: StageRunRequest = {
    request_id: i.requestId,
    run_id: run.run_id,
    plane: run.plane,
    stage: run.stage,
    request_kind: run.request_kind,
    mode_id: i.modeId,
    compiled_plan_id: i.compiledPlanId,
    node_id: node.node_id,
    stage_kind_id: node.stage_kind_id,
    running_status_marker: node.running_status_marker,
    legal_terminal_markers: Object.keys(node.allowed_result_classes_by_outcome).map((o) => `### ${o}`),
    allowed_result_classes_by_outcome: node.allowed_result_classes_by_outcome,
    entrypoint_path: abs(node.entrypoint_path),
    entrypoint_contract_id: node.entrypoint_contract_id,
    required_skill_paths: node.required_skill_paths.map(abs),
    attached_skill_paths: (node.attached_skill_additions ?? node.attached_skill_paths ?? []).map(abs),
    active_work_item_kind: closure ? null : run.work_item_kind,
    active_work_item_id: closure ? null : run.work_item_id,
    active_work_item_path: closure ? null : i.workItemPath,
    closure_target_path: closure?.closure_target_path ?? null,
    closure_target_root_spec_id: closure?.closure_target_root_spec_id ?? null,
    closure_target_root_idea_id: closure?.closure_target_root_idea_id ?? null,
    canonical_root_spec_path: closure?.canonical_root_spec_path ?? null,
    canonical_seed_idea_path: closure?.canonical_seed_idea_path ?? null,
    preferred_rubric_path: closure?.preferred_rubric_path ?? null,
    preferred_verdict_path: closure?.preferred_verdict_path ?? null,
    preferred_report_path: closure ? join(runDir, 'arbiter_report.md') : null,
    run_dir: runDir,
    summary_status_path: statusFilePath(paths, run.plane),
    runtime_snapshot_path: paths.snapshot,
    recovery_counters_path: paths.recoveryCounters,
    preferred_troubleshoot_report_path: closure ? null : join(runDir, 'troubleshoot_report.md'),
    runtime_error_code: i.runtimeError?.code ?? null,
    runtime_error_report_path: i.runtimeError?.reportPath ?? null,
    runtime_error_catalog_path: i.runtimeError?.catalogPath ?? null,
    skill_revision_evidence_path: null,
    runner_name: node.runner_name ?? i.defaultRunner,
    model_name: node.model_name,
    model_reasoning_effort: node.model_reasoning_effort,
    timeout_seconds: node.timeout_seconds,
  };
  return options.validate === false ? request : StageRunRequestSchema.parse(request);
}

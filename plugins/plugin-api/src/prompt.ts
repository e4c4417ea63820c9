import type { StageRunRequest } from './stage-request.js';

const none = (v: string | null | undefined): string => (v === null || v === undefined || v === '' ? 'none' : v);

function listBlock(label: string, items: string[]): string[] {
  return items.length === 0 ? [`${label}: none`] : [`${label}:`, ...items.map((i) => `- ${i}`)];
}

/** The context lines of the shared prompt contract (runners.md §3); every request field is represented. */
export function renderRequestContext(r: StageRunRequest): string[] {
  return [
    `Request ID: ${r.request_id}`,
    `Run ID: ${r.run_id}`,
    `Mode ID: ${r.mode_id}`,
    `Compiled Plan ID: ${r.compiled_plan_id}`,
    `Node ID: ${r.node_id}`,
    `Stage Kind ID: ${r.stage_kind_id}`,
    `Stage: ${r.stage}`,
    `Plane: ${r.plane}`,
    `Request Kind: ${r.request_kind}`,
    `Running Status Marker: ${r.running_status_marker}`,
    `Entrypoint Path: ${r.entrypoint_path}`,
    `Entrypoint Contract ID: ${none(r.entrypoint_contract_id)}`,
    `Active Work Item: ${none(r.active_work_item_kind)} ${none(r.active_work_item_id)}`,
    `Active Work Item Path: ${none(r.active_work_item_path)}`,
    `Closure Target Path: ${none(r.closure_target_path)}`,
    `Closure Target Root Spec ID: ${none(r.closure_target_root_spec_id)}`,
    `Closure Target Root Idea ID: ${none(r.closure_target_root_idea_id)}`,
    `Canonical Root Spec Path: ${none(r.canonical_root_spec_path)}`,
    `Canonical Seed Idea Path: ${none(r.canonical_seed_idea_path)}`,
    `Preferred Rubric Path: ${none(r.preferred_rubric_path)}`,
    `Preferred Verdict Path: ${none(r.preferred_verdict_path)}`,
    `Preferred Report Path: ${none(r.preferred_report_path)}`,
    ...listBlock('Legal Terminal Markers', r.legal_terminal_markers),
    ...listBlock(
      'Allowed Result Classes By Outcome',
      Object.entries(r.allowed_result_classes_by_outcome).map(([o, c]) => `${o}: ${c.join(', ')}`),
    ),
    ...listBlock('Required Skill Paths', r.required_skill_paths),
    ...listBlock('Attached Skill Paths', r.attached_skill_paths),
    `Run Directory: ${r.run_dir}`,
    `Runtime Snapshot Path: ${r.runtime_snapshot_path}`,
    `Recovery Counters Path: ${r.recovery_counters_path}`,
    `Summary Status Path: ${r.summary_status_path}`,
    `Preferred Troubleshoot Report Path: ${none(r.preferred_troubleshoot_report_path)}`,
    `Runtime Error Code: ${none(r.runtime_error_code)}`,
    `Runtime Error Report Path: ${none(r.runtime_error_report_path)}`,
    `Runtime Error Catalog Path: ${none(r.runtime_error_catalog_path)}`,
    `Skill Revision Evidence Path: ${none(r.skill_revision_evidence_path)}`,
    `Runner Name: ${none(r.runner_name)}`,
    `Model Name: ${none(r.model_name)}`,
    `Model Reasoning Effort: ${none(r.model_reasoning_effort)}`,
    `Timeout Seconds: ${r.timeout_seconds}`,
  ];
}

/** The prompt every built-in runner sends to its harness: built only from the request. */
export function buildStagePrompt(r: StageRunRequest): string {
  const markers = r.legal_terminal_markers.map((m) => `\`${m}\``).join(', ');
  return [
    'You are executing one Millrace runtime stage request.',
    `Open \`${r.entrypoint_path}\` and follow instructions exactly.`,
    '',
    'Stage Request Context:',
    ...renderRequestContext(r),
    '',
    'When done, print exactly one legal terminal marker defined by the opened entrypoint contract.',
    `Legal markers for this stage: ${markers}.`,
    'Do not invent or rename terminal markers.',
    'Do not print multiple terminal markers.',
  ].join('\n');
}

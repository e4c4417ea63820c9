import type { Plane, ResultClass } from '@millrace/plugin-api';

/**
 * The part of the compiled plan (compiler.md §3) the runtime reads. Structural on purpose: the compiler's
 * `CompiledPlan` type satisfies it, and runtime unit tests can build small plans by hand.
 */
export type PlanNode = {
  node_id: string;
  stage_kind_id: string;
  plane: Plane;
  entrypoint_path: string;
  entrypoint_contract_id: string | null;
  running_status_marker: string;
  allowed_result_classes_by_outcome: Record<string, ResultClass[]>;
  required_skill_paths: string[];
  /** Named `attached_skill_additions` in compiled_plan.json (compiler.md §3.3). */
  attached_skill_additions?: string[];
  attached_skill_paths?: string[];
  runner_name: string | null;
  model_name: string | null;
  model_reasoning_effort: string | null;
  timeout_seconds: number;
};

export type PlanTransition = {
  edge_id: string;
  source_node_id: string;
  outcome: string;
  target_node_id: string | null;
  terminal_state_id: string | null;
  kind: string;
  priority: number;
  max_attempts: number | null;
};

export type PlanThresholdPolicy = {
  policy_id: string;
  source_node_ids: string[];
  on_outcome: string;
  counter_name: 'fix_cycle_count' | 'troubleshoot_attempt_count' | 'mechanic_attempt_count';
  threshold: number;
  exhausted_target_node_id: string | null;
  exhausted_terminal_state_id: string | null;
};

export type PlanResumePolicy = {
  policy_id: string;
  source_node_id: string;
  on_outcome: string;
  default_target_node_id: string;
  metadata_stage_keys: string[];
  disallowed_target_node_ids: string[];
};

export type PlanTerminalState = {
  terminal_state_id: string;
  terminal_class: string;
  writes_status: string;
  ends_plane_run?: boolean;
};

export type PlanEntry = { entry_key: string; node_id: string; stage_kind_id: string; plane: Plane };

export type PlanGraph = {
  loop_id: string;
  plane: Plane;
  nodes: PlanNode[];
  compiled_entries: PlanEntry[];
  compiled_completion_entry: (PlanEntry & Record<string, unknown>) | null;
  compiled_transitions: PlanTransition[];
  compiled_resume_policies: PlanResumePolicy[];
  compiled_threshold_policies: PlanThresholdPolicy[];
  terminal_states: PlanTerminalState[];
};

export type RuntimePlan = {
  compiled_plan_id: string;
  mode_id: string;
  loop_ids_by_plane: Partial<Record<Plane, string>>;
  execution_loop_id: string;
  planning_loop_id: string;
  learning_loop_id: string | null;
  graphs_by_plane: Partial<Record<Plane, PlanGraph>>;
};

export function graphFor(plan: RuntimePlan, plane: Plane): PlanGraph | undefined {
  return plan.graphs_by_plane[plane];
}

/** Node `nodeId` of the plane, else the first node whose stage kind is `stageKind` (runtime.md §4 step 14). */
export function findNode(plan: RuntimePlan, plane: Plane, nodeId: string | null, stageKind: string): PlanNode | undefined {
  const nodes = graphFor(plan, plane)?.nodes ?? [];
  return nodes.find((n) => n.node_id === nodeId) ?? nodes.find((n) => n.stage_kind_id === stageKind);
}

export function entryNode(plan: RuntimePlan, plane: Plane, entryKey: string): PlanEntry | undefined {
  return graphFor(plan, plane)?.compiled_entries.find((e) => e.entry_key === entryKey);
}

import type { Plane } from '@millrace/plugin-api';
import { renderGraph, type GraphFormat } from '../compiler/render-graph.js';
import type { CompileInputFingerprint, CompileReport, CompiledCompletionEntry, CompiledNode, PlanCurrentness, PluginRef, UnavailableRunner } from '../contracts/compiled-plan.js';
import { localeOrder } from '../contracts/locale-order.js';

/** `millrace compile validate --json` result (compiler.md §7.2). */
export type CompileValidateView = {
  ok: boolean;
  /** `current`: the persisted plan already matched (left untouched); `compiled`: a new plan was written; `failed`. */
  status: 'current' | 'compiled' | 'failed';
  mode_id: string;
  used_last_known_good: boolean;
  /** The new plan's input fingerprint; after a failure, what the last known good plan would need to be current. */
  compile_input: CompileInputFingerprint | null;
  errors: string[];
  warnings: string[];
  plan_path: string;
  diagnostics_path: string;
  /** Runners the plan binds that cannot run here (also one `runner unavailable:` warning each); `run` refuses to start. */
  unavailable_runners: UnavailableRunner[];
};

export type CompiledPlanSummary = {
  compiled_plan_currentness: Exclude<PlanCurrentness, 'missing'>;
  compiled_plan_id: string;
  mode_id: string;
  mode_contributed_by: PluginRef;
  execution_loop_id: string;
  planning_loop_id: string;
  learning_loop_id: string | null;
  compiled_at: string;
  baseline_manifest_id: string | null;
  baseline_seed_package_version: string | null;
  persisted_compile_input: CompileInputFingerprint;
  loops: Array<{ plane: Plane; loop_id: string; contributed_by: PluginRef }>;
  entries: Array<{ plane: Plane; entry_key: string; node_id: string }>;
  completion: CompiledCompletionEntry | null;
  /** Sorted by (plane, node_id). */
  nodes: CompiledNode[];
};

/** `millrace compile show --json` result. */
export type CompileShowView = CompileValidateView & { plan: CompiledPlanSummary | null; graph: { format: GraphFormat; text: string } | null };


/** The one line `config validate`, `compile validate` and `doctor` print for a runner that cannot run. */
export function unavailableRunnerWarning(p: UnavailableRunner): string {
  return `runner unavailable: ${p.problem}; ${p.remedy}`;
}

export function buildCompileValidateView(outcome: CompileReport): CompileValidateView {
  const ok = outcome.status !== 'failed';
  return {
    ok,
    status: outcome.status,
    mode_id: outcome.diagnostics.mode_id,
    used_last_known_good: outcome.keptLastKnownGood,
    compile_input: ok || outcome.plan ? outcome.expectedFingerprint : null,
    errors: outcome.diagnostics.errors,
    warnings: [...outcome.configWarnings, ...outcome.diagnostics.warnings, ...(outcome.unavailableRunners ?? []).map(unavailableRunnerWarning)],
    plan_path: outcome.paths.compiledPlan,
    diagnostics_path: outcome.paths.compileDiagnostics,
    unavailable_runners: outcome.unavailableRunners ?? [],
  };
}

export function buildCompileShowView(outcome: CompileReport, graphFormat?: GraphFormat): CompileShowView {
  const plan = outcome.plan;
  const graphs = plan ? Object.values(plan.graphs_by_plane).filter((g) => g !== undefined) : [];
  return {
    ...buildCompileValidateView(outcome),
    plan: plan
      ? {
          compiled_plan_currentness: outcome.currentness === 'stale' ? 'stale' : 'current',
          compiled_plan_id: plan.compiled_plan_id,
          mode_id: plan.mode_id,
          mode_contributed_by: plan.mode_contributed_by,
          execution_loop_id: plan.execution_loop_id,
          planning_loop_id: plan.planning_loop_id,
          learning_loop_id: plan.learning_loop_id,
          compiled_at: plan.compiled_at,
          baseline_manifest_id: outcome.baseline?.manifest_id ?? null,
          baseline_seed_package_version: outcome.baseline?.seed_package_version ?? null,
          persisted_compile_input: plan.compile_input_fingerprint,
          loops: graphs.map((g) => ({ plane: g.plane, loop_id: g.loop_id, contributed_by: g.contributed_by })),
          entries: graphs.flatMap((g) => g.compiled_entries.map((e) => ({ plane: g.plane, entry_key: e.entry_key, node_id: e.node_id }))),
          completion: plan.graphs_by_plane.planning?.compiled_completion_entry ?? null,
          nodes: graphs.flatMap((g) => g.nodes).sort((a, b) => localeOrder(a.plane, b.plane) || localeOrder(a.node_id, b.node_id)),
        }
      : null,
    graph: plan && graphFormat ? { format: graphFormat, text: renderGraph(plan, graphFormat) } : null,
  };
}

const fingerprintLines = (prefix: string, fp: CompileInputFingerprint | null) =>
  fp ? [`${prefix}.mode_id: ${fp.mode_id}`, `${prefix}.config_fingerprint: ${fp.config_fingerprint}`, `${prefix}.assets_fingerprint: ${fp.assets_fingerprint}`] : [];
const list = (values: string[]) => (values.length ? values.join(', ') : 'none');
const orNone = (value: string | number | null) => (value === null ? 'none' : String(value));

/** The diagnostics block (compiler.md §7.2). */
export function renderCompileValidateLines(view: CompileValidateView): string[] {
  return [
    `ok: ${view.ok}`,
    `status: ${view.status}`,
    `mode_id: ${view.mode_id}`,
    `used_last_known_good: ${view.used_last_known_good}`,
    ...fingerprintLines('compile_input', view.compile_input),
    ...view.warnings.map((w) => `warning: ${w}`),
    ...view.errors.map((e) => `error: ${e}`),
  ];
}

/** Diagnostics block, then the active plan: entries, completion behaviour, one block per node. */
export function renderCompileShowLines(view: CompileShowView): string[] {
  const lines = renderCompileValidateLines(view);
  const plan = view.plan;
  if (!plan) return lines;
  lines.push(
    `compiled_plan_currentness: ${plan.compiled_plan_currentness}`,
    `compiled_plan_id: ${plan.compiled_plan_id}`,
    `mode: ${plan.mode_id} (from ${plan.mode_contributed_by.name}@${plan.mode_contributed_by.version})`,
    `execution_loop_id: ${plan.execution_loop_id}`,
    `planning_loop_id: ${plan.planning_loop_id}`,
    ...(plan.learning_loop_id ? [`learning_loop_id: ${plan.learning_loop_id}`] : []),
    ...plan.loops.map((l) => `loop: ${l.plane} ${l.loop_id} (from ${l.contributed_by.name}@${l.contributed_by.version})`),
    `compiled_at: ${plan.compiled_at}`,
    `baseline_manifest_id: ${orNone(plan.baseline_manifest_id)}`,
    `baseline_seed_package_version: ${orNone(plan.baseline_seed_package_version)}`,
    ...fingerprintLines('persisted_compile_input', plan.persisted_compile_input),
    ...plan.entries.map((e) => `entry: ${e.plane}.${e.entry_key} -> ${e.node_id}`),
  );
  if (plan.completion) {
    const { entry_key, node_id, stage_kind_id, plane, ...behavior } = plan.completion;
    void stage_kind_id;
    void plane;
    lines.push(`completion: ${entry_key} -> ${node_id}`, ...Object.entries(behavior).map(([k, v]) => `completion_behavior.${k}: ${String(v)}`));
  }
  for (const n of plan.nodes) {
    lines.push(
      `stage: ${n.plane}.${n.node_id}`,
      `  stage_kind_id: ${n.stage_kind_id}`,
      `  running_status_marker: ${n.running_status_marker}`,
      `  entrypoint_path: ${n.entrypoint_path}`,
      `  entrypoint_contract_id: ${n.entrypoint_contract_id}`,
      `  required_skills: ${list(n.required_skill_paths)}`,
      `  attached_skills: ${list(n.attached_skill_additions)}`,
      `  runner_name: ${orNone(n.runner_name)}`,
      `  model_name: ${orNone(n.model_name)}`,
      `  model_reasoning_effort: ${orNone(n.model_reasoning_effort)}`,
      `  timeout_seconds: ${n.timeout_seconds}`,
    );
  }
  return lines;
}

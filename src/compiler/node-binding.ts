import type { GraphLoop, Mode, StageKind } from '@millrace/plugin-api';
import { ReasoningEffortSchema, type CompiledNode, type CompilerConfig } from '../contracts/compiled-plan.js';

type GraphNode = GraphLoop['nodes'][number];

export const DEFAULT_TIMEOUT_SECONDS = 3600;

/** Where a node's runner came from; used to explain an unknown runner. */
export type RunnerSource = 'mode' | 'config' | 'graph' | 'default_runner' | 'none';

export type BoundNode = { node: CompiledNode; runnerSource: RunnerSource; errors: string[] };

/**
 * Mode entrypoint override rule (compiler.md §4): trim, strip leading `./`, stay relative and inside the runtime root,
 * start with `entrypoints/`, end with `.md`. Returns the normalized path or undefined when invalid.
 */
export function normalizeEntrypointOverride(raw: string): string | undefined {
  let value = raw.trim();
  if (value.length === 0 || value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value)) return undefined;
  while (value.startsWith('./')) value = value.slice(2);
  if (value === '..' || value.startsWith('../') || value.includes('/../') || value.endsWith('/..')) return undefined;
  if (!value.startsWith('entrypoints/') || !value.endsWith('.md')) return undefined;
  return value;
}

const dedupe = (items: string[]) => [...new Set(items)];
const present = (v: string | null | undefined): string | undefined => (v !== null && v !== undefined && v.trim() !== '' ? v.trim() : undefined);

/**
 * Freeze one graph node. Precedence (later wins): runner/model — graph node < config `stages.<stage>` < mode map;
 * entrypoint — stage kind default < graph node < mode override; timeout — graph node (else 3600) < config.
 */
export function bindNode(node: GraphNode, stageKind: StageKind, mode: Mode, config: CompilerConfig): BoundNode {
  const errors: string[] = [];
  const stage = node.stage_kind_id;
  const stageConfig = config.stages?.[stage];

  let entrypoint = node.entrypoint_path ?? stageKind.default_entrypoint_path;
  const override = mode.stage_entrypoint_overrides[stage];
  if (override !== undefined) {
    const normalized = normalizeEntrypointOverride(override);
    if (normalized === undefined) errors.push(`Invalid entrypoint override for stage \`${node.node_id}\` in mode ${mode.mode_id}: ${override} (must be a relative path under entrypoints/ ending in .md)`);
    else entrypoint = normalized;
  }

  const runnerCandidates: Array<[RunnerSource, string | undefined]> = [
    ['mode', present(mode.stage_runner_bindings[stage])],
    ['config', present(stageConfig?.runner)],
    ['graph', present(node.runner_name)],
    ['default_runner', present(config.runners?.default_runner)],
  ];
  const [runnerSource, runnerName] = runnerCandidates.find(([, v]) => v !== undefined) ?? ['none', undefined];

  const model = present(mode.stage_model_bindings[stage]) ?? present(stageConfig?.model) ?? present(node.model_name) ?? null;
  const runnerEffort = ReasoningEffortSchema.safeParse(config.runners?.codex?.model_reasoning_effort);
  const effort = stageConfig?.model_reasoning_effort ?? (runnerEffort.success ? runnerEffort.data : null);
  const timeout = stageConfig?.timeout_seconds ?? node.timeout_seconds ?? DEFAULT_TIMEOUT_SECONDS;
  const outcomes = stageKind.legal_outcomes;

  return {
    runnerSource,
    errors,
    node: {
      node_id: node.node_id,
      stage_kind_id: stageKind.stage_kind_id,
      stage,
      plane: stageKind.plane,
      entrypoint_path: entrypoint,
      entrypoint_contract_id: `${node.node_id}.contract.v1`,
      running_status_marker: stageKind.running_status_marker,
      legal_terminal_markers: outcomes.map((o) => `### ${o}`),
      allowed_result_classes_by_outcome: Object.fromEntries(outcomes.map((o) => [o, [...(stageKind.allowed_result_classes_by_outcome[o] ?? [])]])),
      declared_output_artifacts: [...stageKind.declared_output_artifacts],
      required_skill_paths: [...stageKind.required_skill_paths],
      attached_skill_additions: dedupe([...node.attached_skill_additions, ...(mode.stage_skill_additions[stage] ?? []).map((p) => p.trim()).filter((p) => p.length > 0)]),
      runner_name: runnerName ?? null,
      model_name: model,
      model_reasoning_effort: effort,
      timeout_seconds: timeout,
    },
  };
}

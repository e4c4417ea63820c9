import type { GraphLoop, Mode, Plane, StageKind } from '@millrace/plugin-api';
import {
  CompiledPlanSchema,
  CounterConfigKeys,
  type CompileDiagnostics,
  type CompileInputs,
  type CompileResult,
  type CompiledGraph,
  type CompiledNode,
  type CompiledPlan,
  type CompilerConfig,
  type CompilerRegistry,
  type CompletionBehaviorDefinition,
  type ContributionOrigin,
  type ResolvedAsset,
  type TaggedContribution,
} from '../contracts/compiled-plan.js';
import { assetsFingerprint, configFingerprint, contributionHash, planId, pluginLocation } from './fingerprint.js';
import { checkLoop, checkStageKindAgainstMetadata } from './loop-checks.js';
import { resolveRequestedModeId } from './mode-resolution.js';
import { bindNode, type RunnerSource } from './node-binding.js';
import { localeOrder } from '../contracts/locale-order.js';

const PLANES: readonly Plane[] = ['execution', 'planning', 'learning'];
const MODE_MAPS = ['stage_entrypoint_overrides', 'stage_skill_additions', 'stage_model_bindings', 'stage_runner_bindings'] as const;
const DEFAULT_THRESHOLD = 2;
export const RUNTIME_DIR = 'millrace-agents';

type SelectedLoop = { plane: Plane; tagged: TaggedContribution<GraphLoop> };
type BoundGraph = { selected: SelectedLoop; nodes: Array<{ node: CompiledNode; runnerSource: RunnerSource }>; completion: CompletionBehaviorDefinition | null };

const origin = (p: ContributionOrigin) => ({ name: p.name, version: p.version, type: p.type });
const describe = (p: ContributionOrigin) => `${p.name}@${p.version}`;

/** Pure: mode + loops + stage kinds + config + existing asset files -> one frozen plan, or diagnostics naming every problem. */
export function compilePlan(inputs: CompileInputs): CompileResult {
  const { registry, config } = inputs;
  const modeId = resolveRequestedModeId(inputs.requestedModeId, config, registry.modeAliases);
  const errors: string[] = [];
  const warnings: string[] = [];
  const diagnostics = (ok: boolean): CompileDiagnostics => ({ schema_version: '1.0', kind: 'compile_diagnostics', ok, mode_id: modeId, errors, warnings, emitted_at: inputs.now });
  const fail = (): CompileResult => ({ ok: false, diagnostics: diagnostics(false) });

  const taggedMode = registry.modes.get(modeId);
  if (!taggedMode) {
    errors.push(`Unknown mode id: ${modeId} (installed modes: ${[...registry.modes.keys()].sort().join(', ') || 'none'})${problemSuffix(registry, 'mode', modeId)}`);
    return fail();
  }
  const mode = taggedMode.item;
  warnConflict(registry, 'mode', modeId, warnings);

  const selected = selectLoops(mode, registry, errors, warnings);
  if (errors.length) return fail();

  const completions = new Map<Plane, CompletionBehaviorDefinition | null>();
  for (const { plane, tagged } of selected) {
    const result = checkLoop(tagged.item, registry.stageKinds);
    errors.push(...result.errors);
    completions.set(plane, result.completion);
  }
  for (const id of usedStageKindIds(selected)) {
    const tagged = registry.stageKinds.get(id);
    if (!tagged) continue;
    const mismatch = checkStageKindAgainstMetadata(tagged.item, describe(tagged.plugin));
    if (mismatch) errors.push(mismatch);
    warnConflict(registry, 'stage_kind', id, warnings);
  }
  if (errors.length) return fail();

  const stages = new Set(usedStageKindIds(selected));
  for (const map of MODE_MAPS) {
    for (const stage of Object.keys(mode[map]).sort()) {
      if (!stages.has(stage)) errors.push(`Mode map \`${map}\` of mode ${modeId} references stage outside selected loops: ${stage}`);
    }
  }
  if (errors.length) return fail();

  const graphs: BoundGraph[] = selected.map((s) => ({
    selected: s,
    completion: completions.get(s.plane) ?? null,
    nodes: s.tagged.item.nodes.map((n) => {
      const bound = bindNode(n, registry.stageKinds.get(n.stage_kind_id)!.item, mode, config);
      errors.push(...bound.errors);
      return { node: bound.node, runnerSource: bound.runnerSource };
    }),
  }));
  if (errors.length) return fail();

  checkRunners(graphs, mode, registry, errors, warnings);
  checkAssetFiles(graphs, inputs.assetHashes, errors, warnings);
  if (errors.length) return fail();

  const graphsByPlane: Partial<Record<Plane, CompiledGraph>> = {};
  for (const g of graphs) graphsByPlane[g.selected.plane] = buildGraph(g, config);
  const loopIds = Object.fromEntries(selected.map((s) => [s.plane, s.tagged.item.loop_id])) as Partial<Record<Plane, string>>;
  const identity = { mode_id: modeId, loop_ids_by_plane: loopIds, graphs_by_plane: graphsByPlane, concurrency_policy: mode.concurrency_policy ?? null, learning_trigger_rules: mode.learning_trigger_rules };
  const resolved = resolveAssets(taggedMode, graphs, registry, inputs.assetHashes);
  const planning = selected.find((s) => s.plane === 'planning');
  const candidate = {
    schema_version: '1.0',
    kind: 'compiled_run_plan',
    compiled_plan_id: planId(identity),
    compile_input_fingerprint: { mode_id: modeId, config_fingerprint: configFingerprint(config), assets_fingerprint: assetsFingerprint(resolved) },
    mode_id: modeId,
    mode_contributed_by: origin(taggedMode.plugin),
    loop_ids_by_plane: loopIds,
    execution_loop_id: loopIds.execution,
    planning_loop_id: loopIds.planning,
    learning_loop_id: loopIds.learning ?? null,
    graphs_by_plane: graphsByPlane,
    concurrency_policy: identity.concurrency_policy,
    learning_trigger_rules: identity.learning_trigger_rules,
    compiled_at: inputs.now,
    resolved_assets: resolved,
    source_refs: [
      `mode:${modeId}`,
      ...[...selected].sort((a, b) => localeOrder(a.plane, b.plane)).map((s) => `graph_loop:${s.tagged.item.loop_id}`),
      ...(planning && completions.get('planning') ? [`graph_completion_behavior:${planning.tagged.item.loop_id}`] : []),
    ],
  };
  const parsed = CompiledPlanSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    errors.push(`Compiled plan violates an invariant: ${issue?.path.map(String).join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
    return fail();
  }
  return { ok: true, plan: parsed.data, diagnostics: diagnostics(true) };
}

function problemSuffix(registry: CompilerRegistry, kind: string, id: string): string {
  // Item problems for this id, plus whole-plugin failures (a hook that threw may be the missing contributor).
  const related = (registry.problems ?? []).filter((p) => (p.kind === kind && p.id === id) || p.kind === undefined).map((p) => p.message);
  return related.length ? `; ${related.join('; ')}` : '';
}

function warnConflict(registry: CompilerRegistry, kind: string, id: string, warnings: string[]) {
  const owners = registry.conflicts?.get(`${kind}:${id}`);
  if (owners && owners.length > 1) warnings.push(`${kind.replace('_', ' ')} ${id} is contributed by ${owners.map(describe).join(' and ')}; using the one from ${describe(owners[0]!)}`);
}

function selectLoops(mode: Mode, registry: CompilerRegistry, errors: string[], warnings: string[]): SelectedLoop[] {
  const selected: SelectedLoop[] = [];
  for (const plane of PLANES) {
    const loopId = mode.loop_ids_by_plane[plane];
    if (loopId === undefined) continue;
    const tagged = registry.loops.get(loopId);
    if (!tagged) {
      const installed = [...registry.loops.keys()].filter((id) => id.startsWith(`${plane}.`)).sort();
      errors.push(`Unknown graph loop id: ${loopId} (selected by mode ${mode.mode_id} for plane ${plane}; installed ${plane} loops: ${installed.join(', ') || 'none'})${problemSuffix(registry, 'loop', loopId)}`);
      continue;
    }
    if (tagged.item.plane !== plane) {
      errors.push(`Graph loop ${loopId} belongs to plane ${tagged.item.plane}, but mode ${mode.mode_id} selects it for plane ${plane}`);
      continue;
    }
    warnConflict(registry, 'loop', loopId, warnings);
    selected.push({ plane, tagged });
  }
  return selected;
}

function usedStageKindIds(selected: SelectedLoop[]): string[] {
  return [...new Set(selected.flatMap((s) => s.tagged.item.nodes.map((n) => n.stage_kind_id)))];
}

function checkRunners(graphs: BoundGraph[], mode: Mode, registry: CompilerRegistry, errors: string[], warnings: string[]) {
  const missing = new Map<string, { stages: string[]; sources: Set<RunnerSource> }>();
  for (const g of graphs) {
    for (const { node, runnerSource } of g.nodes) {
      if (node.runner_name === null) {
        errors.push(`Stage ${node.stage} (node ${node.plane}.${node.node_id}) has no runner: bind one in mode ${mode.mode_id}, config stages.${node.stage}.runner or runners.default_runner`);
        continue;
      }
      if (registry.runners.has(node.runner_name)) continue;
      const entry = missing.get(node.runner_name) ?? { stages: [], sources: new Set() };
      entry.stages.push(node.stage);
      entry.sources.add(runnerSource);
      missing.set(node.runner_name, entry);
    }
  }
  const by: Record<RunnerSource, string> = { mode: `mode ${mode.mode_id}`, config: 'config stages.<stage>.runner', graph: 'the graph loop', default_runner: 'config runners.default_runner', none: '' };
  const installed = [...registry.runners.keys()].sort().join(', ') || 'none';
  for (const [runner, { stages, sources }] of missing) {
    errors.push(
      `Runner ${runner} is not provided by any installed plugin (bound by ${[...sources].map((s) => by[s]).join(' and ')} to stage${stages.length > 1 ? 's' : ''} ${[...new Set(stages)].join(', ')}; installed runners: ${installed}); install the plugin that provides it with \`millrace plugins install <plugin>\`${problemSuffix(registry, 'runner', runner)}`,
    );
  }
  for (const runner of new Set(graphs.flatMap((g) => g.nodes.map((n) => n.node.runner_name)))) {
    if (runner !== null && registry.runners.has(runner)) warnConflict(registry, 'runner', runner, warnings);
  }
}

function checkAssetFiles(graphs: BoundGraph[], hashes: ReadonlyMap<string, string>, errors: string[], warnings: string[]) {
  for (const g of graphs) {
    for (const { node } of g.nodes) {
      const where = `node ${node.plane}.${node.node_id} (stage kind ${node.stage_kind_id})`;
      if (!hashes.has(node.entrypoint_path)) errors.push(`Missing entrypoint file ${RUNTIME_DIR}/${node.entrypoint_path} for ${where}`);
      for (const skill of node.required_skill_paths) if (!hashes.has(skill)) errors.push(`Missing required skill file ${RUNTIME_DIR}/${skill} for ${where}`);
      for (const skill of node.attached_skill_additions) if (!hashes.has(skill)) warnings.push(`Attached skill file ${RUNTIME_DIR}/${skill} for ${where} does not exist`);
    }
  }
}

function buildGraph({ selected, nodes, completion }: BoundGraph, config: CompilerConfig): CompiledGraph {
  const loop = selected.tagged.item;
  const byId = new Map(nodes.map(({ node }) => [node.node_id, node]));
  const policies = loop.dynamic_policies ?? { resume_policies: [], threshold_policies: [] };
  return {
    loop_id: loop.loop_id,
    plane: loop.plane,
    contributed_by: origin(selected.tagged.plugin),
    nodes: nodes.map((n) => n.node),
    compiled_entries: loop.entry_nodes.map((e) => ({ entry_key: e.entry_key, node_id: e.node_id, stage_kind_id: byId.get(e.node_id)!.stage_kind_id, plane: loop.plane })),
    compiled_completion_entry: completion
      ? (({ target_node_id, ...rest }) => ({ entry_key: 'closure_target' as const, node_id: target_node_id, stage_kind_id: byId.get(target_node_id)!.stage_kind_id, plane: loop.plane, ...rest }))(completion)
      : null,
    compiled_transitions: loop.edges.flatMap((edge) =>
      edge.on_outcomes.map((outcome) => ({
        edge_id: edge.edge_id,
        source_node_id: edge.from_node_id,
        outcome,
        target_node_id: edge.to_node_id,
        terminal_state_id: edge.terminal_state_id,
        kind: edge.kind,
        priority: edge.priority,
        max_attempts: edge.max_attempts,
      })),
    ),
    compiled_resume_policies: policies.resume_policies.map((p) => ({ ...p, metadata_stage_keys: [...p.metadata_stage_keys], disallowed_target_node_ids: [...p.disallowed_target_node_ids] })),
    compiled_threshold_policies: policies.threshold_policies.map((p) => {
      const key = CounterConfigKeys[p.counter_name];
      return {
        policy_id: p.policy_id,
        source_node_ids: [...p.source_node_ids],
        on_outcome: p.on_outcome,
        counter_name: p.counter_name,
        threshold: config.recovery?.[key] ?? DEFAULT_THRESHOLD,
        threshold_source: `recovery.${key}`,
        exhausted_target_node_id: p.exhausted_target_node_id,
        exhausted_terminal_state_id: p.exhausted_terminal_state_id,
      };
    }),
    terminal_states: loop.terminal_states.map((t) => ({ ...t, emits_artifacts: [...t.emits_artifacts] })),
    completion_behavior: completion,
  };
}

/** Mode; loops (planes sorted); stage kinds and runners in node order; entrypoints; required then attached skills. */
function resolveAssets(mode: TaggedContribution<Mode>, graphs: BoundGraph[], registry: CompilerRegistry, hashes: ReadonlyMap<string, string>): ResolvedAsset[] {
  const refs: ResolvedAsset[] = [];
  const seen = new Set<string>();
  const add = (ref: ResolvedAsset) => {
    if (seen.has(ref.logical_id)) return;
    seen.add(ref.logical_id);
    refs.push(ref);
  };
  const contribution = (family: 'mode' | 'graph_loop' | 'stage_kind' | 'runner', id: string, tagged: TaggedContribution<unknown>) =>
    add({ asset_family: family, logical_id: `${family}:${id}`, location: pluginLocation(tagged.plugin), content_sha256: contributionHash(tagged.item, tagged.plugin) });
  const file = (family: 'entrypoint' | 'skill', path: string) =>
    add({ asset_family: family, logical_id: `${family}:${path}`, location: `${RUNTIME_DIR}/${path}`, content_sha256: hashes.get(path) ?? 'missing' });

  contribution('mode', mode.item.mode_id, mode);
  for (const g of [...graphs].sort((a, b) => localeOrder(a.selected.plane, b.selected.plane))) contribution('graph_loop', g.selected.tagged.item.loop_id, g.selected.tagged);
  const nodes = graphs.flatMap((g) => g.nodes.map((n) => n.node));
  for (const n of nodes) contribution('stage_kind', n.stage_kind_id, registry.stageKinds.get(n.stage_kind_id) as TaggedContribution<StageKind>);
  for (const n of nodes) if (n.runner_name !== null) contribution('runner', n.runner_name, runnerIdentity(registry, n.runner_name));
  for (const n of nodes) file('entrypoint', n.entrypoint_path);
  for (const n of nodes) for (const s of n.required_skill_paths) file('skill', s);
  for (const n of nodes) for (const s of n.attached_skill_additions) file('skill', s);
  return refs;
}

/** Runners are code, not data: their identity is the id plus the providing plugin's name and version. */
export function runnerIdentity(registry: CompilerRegistry, id: string): TaggedContribution<unknown> {
  const tagged = registry.runners.get(id)!;
  return { item: { id }, plugin: tagged.plugin };
}

import type { GraphLoop, StageKind } from '@millrace/plugin-api';
import { CompletionBehaviorDefinitionSchema, CounterConfigKeys, type CompletionBehaviorDefinition, type TaggedContribution } from '../contracts/compiled-plan.js';
import { stageMetadata, legalOutcomes } from '../contracts/stage-metadata.js';

type StageKinds = ReadonlyMap<string, TaggedContribution<StageKind>>;

const NODE_OVERRIDES = ['entrypoint_path', 'attached_skill_additions', 'runner_name', 'model_name', 'timeout_seconds'] as const;

/** A stage kind that reuses a shipped stage name must agree with the stage metadata table (the single source of legality). */
export function checkStageKindAgainstMetadata(sk: StageKind, plugin: string): string | undefined {
  const meta = stageMetadata(sk.stage_kind_id);
  if (!meta) return undefined;
  const mismatch: string[] = [];
  if (sk.plane !== meta.plane) mismatch.push('plane');
  if (sk.running_status_marker !== meta.runningMarker) mismatch.push('running marker');
  if (sk.legal_outcomes.join(',') !== legalOutcomes(meta).join(',')) mismatch.push('legal outcomes');
  const policy = (o: Record<string, string[]>) => Object.entries(o).map(([k, v]) => `${k}=${[...v].sort().join('|')}`).sort().join(',');
  if (policy(sk.allowed_result_classes_by_outcome) !== policy(meta.outcomes)) mismatch.push('result-class policy');
  return mismatch.length ? `Stage kind ${sk.stage_kind_id} (from plugin ${plugin}) does not match stage metadata: ${mismatch.join(', ')}` : undefined;
}

export type LoopCheckResult = { errors: string[]; completion: CompletionBehaviorDefinition | null };

/** Checks of one graph loop against the stage-kind registry, plus reachability and completion behaviour. */
export function checkLoop(loop: GraphLoop, stageKinds: StageKinds): LoopCheckResult {
  const errors: string[] = [];
  const at = `Graph loop ${loop.loop_id}`;
  const kindOf = new Map<string, StageKind>();
  const seen = new Set<string>();
  for (const node of loop.nodes) {
    if (seen.has(node.node_id)) errors.push(`${at} declares duplicate node id ${node.node_id}`);
    seen.add(node.node_id);
    const tagged = stageKinds.get(node.stage_kind_id);
    if (!tagged) {
      errors.push(`${at} node ${node.node_id} references unknown stage_kind_id ${node.stage_kind_id} (known: ${[...stageKinds.keys()].sort().join(', ') || 'none'})`);
      continue;
    }
    const sk = tagged.item;
    if (sk.plane !== loop.plane) {
      errors.push(`${at} node ${node.node_id} uses stage kind ${sk.stage_kind_id} from plane ${sk.plane}`);
      continue;
    }
    const used = NODE_OVERRIDES.filter((o) => (o === 'attached_skill_additions' ? node.attached_skill_additions.length > 0 : node[o] !== null));
    const unsupported = used.filter((o) => !sk.allowed_overrides.includes(o)).sort();
    if (unsupported.length) errors.push(`${at} node ${node.node_id} declares unsupported overrides for stage kind ${sk.stage_kind_id}: ${unsupported.join(', ')}`);
    kindOf.set(node.node_id, sk);
  }

  const legal = (nodeId: string, outcome: string, what: string) => {
    const sk = kindOf.get(nodeId);
    if (sk && !sk.legal_outcomes.includes(outcome)) {
      errors.push(`${at} ${what} declares illegal outcome ${outcome} for stage kind ${sk.stage_kind_id} (legal: ${sk.legal_outcomes.join(', ')})`);
    }
  };
  for (const edge of loop.edges) for (const outcome of edge.on_outcomes) legal(edge.from_node_id, outcome, `edge ${edge.edge_id}`);

  const terminals = new Map(loop.terminal_states.map((t) => [t.terminal_state_id, t]));
  const policies = loop.dynamic_policies ?? { resume_policies: [], threshold_policies: [] };
  for (const p of policies.resume_policies) {
    legal(p.source_node_id, p.on_outcome, `resume policy ${p.policy_id}`);
    const unknown = p.disallowed_target_node_ids.filter((n) => !seen.has(n)).sort();
    if (unknown.length) errors.push(`${at} resume policy ${p.policy_id} references unknown disallowed_target_node_ids ${unknown.join(', ')}`);
  }
  for (const p of policies.threshold_policies) {
    for (const source of p.source_node_ids) legal(source, p.on_outcome, `threshold policy ${p.policy_id}`);
    if (!(p.counter_name in CounterConfigKeys)) errors.push(`${at} threshold policy ${p.policy_id} uses unknown counter ${String(p.counter_name)} (known: ${Object.keys(CounterConfigKeys).join(', ')})`);
    const terminal = p.exhausted_terminal_state_id ? terminals.get(p.exhausted_terminal_state_id) : undefined;
    if (terminal && terminal.terminal_class !== 'blocked') {
      errors.push(`${at} threshold policy ${p.policy_id} exhausts into terminal state ${terminal.terminal_state_id} whose terminal_class is ${terminal.terminal_class}, not blocked`);
    }
  }

  let completion: CompletionBehaviorDefinition | null = null;
  if (loop.completion_behavior) {
    const parsed = CompletionBehaviorDefinitionSchema.safeParse(loop.completion_behavior);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      errors.push(`${at} completion behavior is invalid: ${issue?.path.map(String).join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
    } else {
      completion = parsed.data;
      if (loop.plane !== 'planning') errors.push(`${at} declares a completion behavior, which only planning loops may have`);
      const target = kindOf.get(completion.target_node_id);
      if (!seen.has(completion.target_node_id)) errors.push(`${at} completion behavior references unknown target_node_id ${completion.target_node_id}`);
      else if (target && !target.closure_role) errors.push(`${at} completion behavior targets non-closure stage kind ${target.stage_kind_id}`);
      for (const field of ['on_pass_terminal_state_id', 'on_gap_terminal_state_id'] as const) {
        if (!terminals.has(completion[field])) errors.push(`${at} completion behavior references unknown ${field} ${completion[field]}`);
      }
      if (completion.on_pass_terminal_state_id === completion.on_gap_terminal_state_id) errors.push(`${at} completion behavior pass/gap terminal states must differ`);
    }
  }

  const unreachable = unreachableNodes(loop, completion);
  if (unreachable.length) errors.push(`${at} has unreachable node${unreachable.length > 1 ? 's' : ''} ${unreachable.join(', ')}: no entry, edge, policy or completion behavior leads there`);
  return { errors, completion };
}

/** Nodes no path reaches from the entry nodes (or the completion target) via edges, resume and threshold policies. */
export function unreachableNodes(loop: GraphLoop, completion: CompletionBehaviorDefinition | null): string[] {
  const next = new Map<string, Set<string>>();
  const link = (from: string, to: string | null) => {
    if (to === null) return;
    if (!next.has(from)) next.set(from, new Set());
    next.get(from)!.add(to);
  };
  for (const edge of loop.edges) link(edge.from_node_id, edge.to_node_id);
  for (const p of loop.dynamic_policies?.resume_policies ?? []) link(p.source_node_id, p.default_target_node_id);
  for (const p of loop.dynamic_policies?.threshold_policies ?? []) for (const s of p.source_node_ids) link(s, p.exhausted_target_node_id);
  const start = [...loop.entry_nodes.map((e) => e.node_id), ...(completion ? [completion.target_node_id] : [])];
  const reached = new Set<string>(start);
  const queue = [...start];
  while (queue.length) {
    for (const to of next.get(queue.shift()!) ?? []) {
      if (!reached.has(to)) {
        reached.add(to);
        queue.push(to);
      }
    }
  }
  return loop.nodes.map((n) => n.node_id).filter((id) => !reached.has(id));
}

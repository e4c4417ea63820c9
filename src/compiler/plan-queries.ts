import type { Plane, WorkItemKind } from '@millrace/plugin-api';
import type { CompiledGraph, CompiledNode, CompiledPlan, CompiledResumePolicy, CompiledTerminalState, CompiledThresholdPolicy } from '../contracts/compiled-plan.js';

export type PlanTransition =
  | { kind: 'node'; edge_id: string; target_node_id: string; node: CompiledNode }
  | { kind: 'terminal'; edge_id: string; terminal_state_id: string; terminal_state: CompiledTerminalState };

export function graphFor(plan: CompiledPlan, plane: Plane): CompiledGraph | undefined {
  return plan.graphs_by_plane[plane];
}

export function nodeFor(plan: CompiledPlan, plane: Plane, nodeId: string): CompiledNode | undefined {
  return graphFor(plan, plane)?.nodes.find((n) => n.node_id === nodeId);
}

/** First compiled transition for (node, outcome) in edge order, as the router applies it; undefined when none. */
export function transitionFor(plan: CompiledPlan, plane: Plane, nodeId: string, outcome: string): PlanTransition | undefined {
  const graph = graphFor(plan, plane);
  const t = graph?.compiled_transitions.find((c) => c.source_node_id === nodeId && c.outcome === outcome);
  if (!graph || !t) return undefined;
  if (t.target_node_id !== null) {
    const node = graph.nodes.find((n) => n.node_id === t.target_node_id);
    return node ? { kind: 'node', edge_id: t.edge_id, target_node_id: t.target_node_id, node } : undefined;
  }
  const terminal = graph.terminal_states.find((s) => s.terminal_state_id === t.terminal_state_id);
  return terminal ? { kind: 'terminal', edge_id: t.edge_id, terminal_state_id: terminal.terminal_state_id, terminal_state: terminal } : undefined;
}

export function resumePolicyFor(plan: CompiledPlan, plane: Plane, nodeId: string, outcome: string): CompiledResumePolicy | undefined {
  return graphFor(plan, plane)?.compiled_resume_policies.find((p) => p.source_node_id === nodeId && p.on_outcome === outcome);
}

export function thresholdPolicyFor(plan: CompiledPlan, plane: Plane, nodeId: string, outcome: string): CompiledThresholdPolicy | undefined {
  return graphFor(plan, plane)?.compiled_threshold_policies.find((p) => p.source_node_ids.includes(nodeId) && p.on_outcome === outcome);
}

const PLANE_OF_ENTRY: Record<WorkItemKind, Plane> = { task: 'execution', spec: 'planning', incident: 'planning', learning_request: 'learning' };

/** The node a claimed work item of this kind enters (task -> execution, spec/incident -> planning). */
export function entryNodeFor(plan: CompiledPlan, kind: WorkItemKind): CompiledNode | undefined {
  const plane = PLANE_OF_ENTRY[kind];
  const entry = graphFor(plan, plane)?.compiled_entries.find((e) => e.entry_key === kind);
  return entry ? nodeFor(plan, plane, entry.node_id) : undefined;
}

/** All nodes, planes in plan order. */
export function planNodes(plan: CompiledPlan): CompiledNode[] {
  return Object.values(plan.graphs_by_plane).flatMap((g) => g?.nodes ?? []);
}

import type { Plane } from '@millrace/plugin-api';
import type { CompiledPlan } from '../contracts/compiled-plan.js';

/** The persisted compiled plan as graphs (the web dashboard's Flow page): nodes and transitions per plane. */
export type PlanGraphView = {
  compiled_plan_id: string;
  mode_id: string;
  compiled_at: string;
  graphs: Array<{
    plane: Plane;
    loop_id: string;
    entries: Array<{ entry_key: string; node_id: string }>;
    nodes: Array<{ node_id: string; stage_kind_id: string; runner_name: string | null; model_name: string | null; timeout_seconds: number }>;
    transitions: Array<{ edge_id: string; source_node_id: string; outcome: string; target_node_id: string | null; terminal_state_id: string | null; kind: string }>;
    terminal_states: Array<{ terminal_state_id: string; terminal_class: string }>;
  }>;
};

export function buildPlanGraphView(plan: CompiledPlan): PlanGraphView {
  const graphs = Object.values(plan.graphs_by_plane).filter((g) => g !== undefined);
  return {
    compiled_plan_id: plan.compiled_plan_id,
    mode_id: plan.mode_id,
    compiled_at: plan.compiled_at,
    graphs: graphs.map((g) => ({
      plane: g.plane,
      loop_id: g.loop_id,
      entries: g.compiled_entries.map((e) => ({ entry_key: e.entry_key, node_id: e.node_id })),
      nodes: g.nodes.map((n) => ({ node_id: n.node_id, stage_kind_id: n.stage_kind_id, runner_name: n.runner_name, model_name: n.model_name, timeout_seconds: n.timeout_seconds })),
      transitions: g.compiled_transitions.map((t) => ({ edge_id: t.edge_id, source_node_id: t.source_node_id, outcome: t.outcome, target_node_id: t.target_node_id, terminal_state_id: t.terminal_state_id, kind: t.kind })),
      terminal_states: g.terminal_states.map((t) => ({ terminal_state_id: t.terminal_state_id, terminal_class: t.terminal_class })),
    })),
  };
}

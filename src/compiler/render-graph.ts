import type { CompiledGraph, CompiledPlan } from '../contracts/compiled-plan.js';

export type GraphFormat = 'mermaid' | 'dot' | 'text';

type EdgeView = { from: string; to: string; label: string; style: 'solid' | 'dashed' };
type GraphView = {
  plane: string;
  loopId: string;
  nodes: Array<{ id: string; label: string; kind: 'stage' | 'terminal' | 'entry' }>;
  edges: EdgeView[];
};

const sid = (plane: string, id: string) => `${plane}__${id.replace(/[^a-zA-Z0-9_]/g, '_')}`;

/** A format-neutral view: stages, terminal states, entry points; edges grouped per (edge, target) with their outcomes. */
function view(graph: CompiledGraph): GraphView {
  const p = graph.plane;
  const nodes: GraphView['nodes'] = graph.nodes.map((n) => ({ id: sid(p, n.node_id), label: `${n.node_id}${n.stage_kind_id !== n.node_id ? ` (${n.stage_kind_id})` : ''}\n${n.runner_name ?? 'no runner'}${n.model_name ? ` / ${n.model_name}` : ''}`, kind: 'stage' }));
  for (const t of graph.terminal_states) nodes.push({ id: sid(p, `end_${t.terminal_state_id}`), label: `${t.terminal_state_id}\n(${t.terminal_class})`, kind: 'terminal' });
  const edges: EdgeView[] = [];
  for (const e of graph.compiled_entries) {
    nodes.push({ id: sid(p, `entry_${e.entry_key}`), label: e.entry_key, kind: 'entry' });
    edges.push({ from: sid(p, `entry_${e.entry_key}`), to: sid(p, e.node_id), label: '', style: 'solid' });
  }
  if (graph.compiled_completion_entry) {
    nodes.push({ id: sid(p, 'entry_closure_target'), label: `closure_target\n(${graph.compiled_completion_entry.trigger})`, kind: 'entry' });
    edges.push({ from: sid(p, 'entry_closure_target'), to: sid(p, graph.compiled_completion_entry.node_id), label: '', style: 'dashed' });
  }
  const grouped = new Map<string, EdgeView>();
  for (const t of graph.compiled_transitions) {
    const to = t.target_node_id !== null ? sid(p, t.target_node_id) : sid(p, `end_${t.terminal_state_id}`);
    const key = `${t.edge_id}\0${to}`;
    const existing = grouped.get(key);
    if (existing) existing.label += `, ${t.outcome}`;
    else grouped.set(key, { from: sid(p, t.source_node_id), to, label: t.outcome, style: 'solid' });
  }
  edges.push(...grouped.values());
  for (const policy of graph.compiled_threshold_policies) {
    const to = policy.exhausted_target_node_id !== null ? sid(p, policy.exhausted_target_node_id) : sid(p, `end_${policy.exhausted_terminal_state_id}`);
    for (const source of policy.source_node_ids) edges.push({ from: sid(p, source), to, label: `${policy.on_outcome} x${policy.threshold} (${policy.counter_name})`, style: 'dashed' });
  }
  return { plane: p, loopId: graph.loop_id, nodes, edges };
}

const graphsOf = (plan: CompiledPlan) => Object.values(plan.graphs_by_plane).filter((g): g is CompiledGraph => g !== undefined).map(view);
const q = (s: string) => s.replace(/"/g, "'");

function mermaid(plan: CompiledPlan): string {
  const lines = ['flowchart TD', `  %% ${plan.compiled_plan_id} (mode ${plan.mode_id})`];
  for (const g of graphsOf(plan)) {
    lines.push(`  subgraph ${g.plane}["${g.plane}: ${g.loopId}"]`);
    for (const n of g.nodes) {
      const label = q(n.label).replace(/\n/g, '<br/>');
      lines.push(`    ${n.id}${n.kind === 'stage' ? `["${label}"]` : n.kind === 'terminal' ? `(["${label}"])` : `>"${label}"]`}`);
    }
    for (const e of g.edges) lines.push(`    ${e.from} ${e.style === 'dashed' ? '-.->' : '-->'}${e.label ? `|"${q(e.label)}"|` : ''} ${e.to}`);
    lines.push('  end');
  }
  return `${lines.join('\n')}\n`;
}

function dot(plan: CompiledPlan): string {
  const lines = [`digraph "${plan.compiled_plan_id}" {`, '  rankdir=TB;', '  node [fontname="Helvetica"];'];
  for (const g of graphsOf(plan)) {
    lines.push(`  subgraph "cluster_${g.plane}" {`, `    label="${g.plane}: ${g.loopId}";`);
    for (const n of g.nodes) {
      const shape = n.kind === 'stage' ? 'box' : n.kind === 'terminal' ? 'doublecircle' : 'cds';
      lines.push(`    ${n.id} [label="${q(n.label).replace(/\n/g, '\\n')}", shape=${shape}];`);
    }
    for (const e of g.edges) lines.push(`    ${e.from} -> ${e.to} [label="${q(e.label)}"${e.style === 'dashed' ? ', style=dashed' : ''}];`);
    lines.push('  }');
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function text(plan: CompiledPlan): string {
  const lines = [`${plan.compiled_plan_id} (mode ${plan.mode_id})`];
  for (const graph of Object.values(plan.graphs_by_plane)) {
    if (!graph) continue;
    lines.push(`${graph.plane}: ${graph.loop_id}`);
    for (const e of graph.compiled_entries) lines.push(`  entry ${e.entry_key} -> ${e.node_id}`);
    if (graph.compiled_completion_entry) lines.push(`  entry closure_target (${graph.compiled_completion_entry.trigger}) -> ${graph.compiled_completion_entry.node_id}`);
    for (const t of graph.compiled_transitions) lines.push(`  ${t.source_node_id} --${t.outcome}--> ${t.target_node_id ?? `[${t.terminal_state_id}]`}`);
    for (const p of graph.compiled_threshold_policies) lines.push(`  ${p.source_node_ids.join('|')} --${p.on_outcome} x${p.threshold} ${p.counter_name}--> ${p.exhausted_target_node_id ?? `[${p.exhausted_terminal_state_id}]`}`);
    for (const p of graph.compiled_resume_policies) lines.push(`  ${p.source_node_id} --${p.on_outcome} resume--> ${p.default_target_node_id} (unless ${p.metadata_stage_keys.join('/') || 'none'} names another node)`);
  }
  return `${lines.join('\n')}\n`;
}

/** A picture of the compiled loops: Mermaid flowchart, Graphviz dot, or plain text. */
export function renderGraph(plan: CompiledPlan, format: GraphFormat): string {
  return format === 'mermaid' ? mermaid(plan) : format === 'dot' ? dot(plan) : text(plan);
}

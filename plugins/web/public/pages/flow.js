import { getJson, h, kv, s, section } from '../dom.js';

export const topics = ['state', 'events'];

const NODE_W = 132;
const NODE_H = 40;
const COL = 255;
const ROW = 92;

/** Failure outcomes: the main flow is laid out first without them, so recovery stages sit below it. */
const FAILURE = new Set(['BLOCKED']);

/** Columns by breadth-first distance from the entry nodes; terminal states in a last column. */
function layout(graph) {
  const layer = new Map();
  const main = new Set();
  const bfs = (starts, follow) => {
    const queue = [...starts];
    while (queue.length) {
      const id = queue.shift();
      for (const t of graph.transitions) {
        if (t.source_node_id !== id || !t.target_node_id || layer.has(t.target_node_id) || !follow(t)) continue;
        layer.set(t.target_node_id, layer.get(id) + 1);
        queue.push(t.target_node_id);
      }
    }
  };
  const entries = graph.entries.map((e) => e.node_id).filter((id, i, a) => a.indexOf(id) === i);
  for (const id of entries) layer.set(id, 0);
  bfs(entries, (t) => !FAILURE.has(t.outcome));
  for (const id of layer.keys()) main.add(id);
  bfs([...layer.keys()], () => true);
  let maxLayer = Math.max(0, ...layer.values());
  for (const n of graph.nodes) if (!layer.has(n.node_id)) layer.set(n.node_id, ++maxLayer);
  const terminals = [...new Set(graph.transitions.filter((t) => t.terminal_state_id).map((t) => t.terminal_state_id))];
  const termLayer = maxLayer + 1;
  const rows = new Map();
  const pos = new Map();
  const place = (id, col) => {
    const row = rows.get(col) ?? 0;
    rows.set(col, row + 1);
    pos.set(id, { x: 20 + col * COL, y: 30 + row * ROW });
  };
  const order = (n) => layer.get(n.node_id) * 2 + (main.has(n.node_id) ? 0 : 1);
  for (const n of [...graph.nodes].sort((a, b) => order(a) - order(b))) place(n.node_id, layer.get(n.node_id));
  for (const t of terminals) place(`terminal:${t}`, termLayer);
  const width = 40 + (termLayer + 1) * COL;
  const height = 60 + Math.max(...rows.values()) * ROW;
  return { pos, terminals, width, height };
}

/** Width and height of an edge label's box (10-11px sans-serif: about 6.4px per character). */
const labelBox = (text, x, y) => {
  const w = text.length * 6.4 + 8;
  return { x: x - w / 2, y: y - 10, w, h: 14 };
};
const overlaps = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/**
 * Place every label at its preferred point, or the nearest free spot below or above it: no label covers another
 * label or a node. Returns the label positions and how far down the lowest one reaches.
 */
function placeLabels(wanted, blocked) {
  const placed = [];
  let bottom = 0;
  for (const label of wanted) {
    let spot = null;
    for (let step = 0; step < 40 && !spot; step += 1) {
      // 0, +1, -1, +2, -2 ... rows of 13px, preferring below (back edges run under the nodes).
      const shift = (step % 2 === 1 ? 1 : -1) * Math.ceil(step / 2) * 13;
      const box = labelBox(label.text, label.x, label.y + shift);
      if (![...blocked, ...placed.map((p) => p.box)].some((b) => overlaps(box, b))) spot = { ...label, y: label.y + shift, box };
    }
    spot ??= { ...label, box: labelBox(label.text, label.x, label.y) };
    placed.push(spot);
    bottom = Math.max(bottom, spot.box.y + spot.box.h);
  }
  return { placed, bottom };
}

function graphSvg(graph, active, outcomes) {
  const { pos, terminals, width, height: laidOutHeight } = layout(graph);
  const current = new Set(active.filter((a) => a.plane === graph.plane).map((a) => a.node_id));
  const taken = new Map(outcomes.filter((o) => o.plane === graph.plane).map((o) => [`${o.node_id}\u0000${o.outcome}`, o]));
  const edges = [];
  const wanted = [];
  const perPair = new Map();
  const lowest = Math.max(...[...pos.values()].map((p) => p.y));
  // Back and same-column edges loop under the graph, each on its own level, shortest innermost.
  const back = graph.transitions
    .filter((t) => {
      const from = pos.get(t.source_node_id);
      const to = pos.get(t.target_node_id ?? `terminal:${t.terminal_state_id}`);
      return from && to && !(to.x > from.x);
    })
    .map((t) => ({ t, span: Math.abs(pos.get(t.source_node_id).x - pos.get(t.target_node_id ?? `terminal:${t.terminal_state_id}`).x) }))
    .sort((a, b) => a.span - b.span || a.t.edge_id.localeCompare(b.t.edge_id));
  const level = new Map(back.map((b, i) => [b.t.edge_id, i]));
  for (const t of graph.transitions) {
    const from = pos.get(t.source_node_id);
    const to = pos.get(t.target_node_id ?? `terminal:${t.terminal_state_id}`);
    if (!from || !to) continue;
    const pair = `${t.source_node_id}->${t.target_node_id ?? t.terminal_state_id}`;
    const k = perPair.get(pair) ?? 0;
    perPair.set(pair, k + 1);
    const recent = taken.get(`${t.source_node_id}\u0000${t.outcome}`);
    const x1 = from.x + NODE_W;
    const y1 = from.y + NODE_H / 2;
    let d;
    let lx;
    let ly;
    if (to.x > from.x) {
      const x2 = to.x;
      const y2 = to.y + NODE_H / 2;
      d = `M${x1},${y1} C${x1 + 60},${y1} ${x2 - 60},${y2} ${x2},${y2}`;
      // The curve's midpoint (t = 0.5 of the cubic).
      lx = (x1 + 3 * (x1 + 60) + 3 * (x2 - 60) + x2) / 8;
      ly = (y1 + 3 * y1 + 3 * y2 + y2) / 8 - 4 + k * 12;
    } else {
      const x0 = from.x + NODE_W / 2;
      const y0 = from.y + NODE_H;
      const x2 = to.x + NODE_W / 2;
      const y2 = to.y + NODE_H;
      const dip = lowest + NODE_H + 30 + level.get(t.edge_id) * 18;
      // Down from the source, along its own level, up into the target.
      d = `M${x0},${y0} C${x0},${dip} ${x0},${dip} ${(x0 + x2) / 2},${dip} S${x2},${dip} ${x2},${y2}`;
      lx = (x0 + x2) / 2;
      ly = dip + 4;
    }
    edges.push(s('path', { d, class: `edge${recent ? ' taken' : ''}`, 'marker-end': 'url(#arrow)', 'data-edge': t.edge_id }, s('title', {}, `${t.source_node_id} —${t.outcome}→ ${t.target_node_id ?? t.terminal_state_id}`)));
    wanted.push({ x: lx, y: ly, text: recent ? `${t.outcome} ×${recent.count}` : t.outcome, recent, edge: t.edge_id });
  }
  const nodeBoxes = [...pos.values()].map((p) => ({ x: p.x - 2, y: p.y - 2, w: NODE_W + 4, h: NODE_H + 4 }));
  // Labels of taken edges first, so they keep their preferred spots.
  const { placed, bottom } = placeLabels([...wanted.filter((w) => w.recent), ...wanted.filter((w) => !w.recent)], nodeBoxes);
  const labels = placed.map((l) => s('text', { x: l.x, y: l.y, class: `edge-label${l.recent ? ' taken' : ''}`, 'text-anchor': 'middle', 'data-edge-label': l.edge }, l.text));
  const height = Math.max(laidOutHeight, lowest + NODE_H + 50 + back.length * 18, bottom + 16);
  const nodes = graph.nodes.map((n) => {
    const p = pos.get(n.node_id);
    const isCurrent = current.has(n.node_id);
    return s(
      'g',
      { class: `node${isCurrent ? ' current' : ''}`, 'data-node': n.node_id, transform: `translate(${p.x},${p.y})`, 'aria-current': isCurrent ? 'step' : null },
      s('title', {}, `${n.node_id} (${n.stage_kind_id}) runner ${n.runner_name ?? 'default'}, timeout ${n.timeout_seconds}s${isCurrent ? ' — running now' : ''}`),
      s('rect', { width: NODE_W, height: NODE_H, rx: 8 }),
      s('text', { x: NODE_W / 2, y: NODE_H / 2 + 5, 'text-anchor': 'middle' }, n.node_id),
    );
  });
  const terms = terminals.map((t) => {
    const p = pos.get(`terminal:${t}`);
    return s('g', { class: 'terminal', transform: `translate(${p.x},${p.y})` }, s('rect', { width: NODE_W, height: NODE_H, rx: 20 }), s('text', { x: NODE_W / 2, y: NODE_H / 2 + 4, 'text-anchor': 'middle' }, t));
  });
  return s(
    'svg',
    { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': `${graph.plane} graph ${graph.loop_id}`, class: 'flow-graph' },
    s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }))),
    edges,
    labels,
    nodes,
    terms,
  );
}

export async function load({ ws }) {
  const data = await getJson(`/api/w/${ws}/plan`);
  if (!data.plan) return h('div', {}, h('h1', {}, 'Flow'), h('p', {}, 'No compiled plan yet: run `millrace compile validate` or start the runtime.'));
  return h(
    'div',
    { class: 'flow' },
    h('h1', {}, 'Flow'),
    kv([
      ['mode', data.plan.mode_id],
      ['compiled plan', data.plan.compiled_plan_id],
      ['currentness', data.currentness],
      ['running now', data.active.length ? data.active.map((a) => `${a.plane}.${a.node_id}${a.work_item_id ? ` (${a.work_item_id})` : ''}`).join(', ') : 'nothing'],
    ]),
    h('p', { class: 'muted small' }, 'Highlighted: the node running now. Bold edges: outcomes the router took recently, with how often.'),
    data.plan.graphs.map((g) => section(`${g.plane} · ${g.loop_id}`, h('div', { class: 'scroll' }, graphSvg(g, data.active, data.recent_outcomes)))),
  );
}

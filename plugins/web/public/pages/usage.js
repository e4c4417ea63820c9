import uPlot from '/vendor/uPlot.esm.js';
import { fmtInt, getJson, h, kv, section, table } from '../dom.js';

// The usage ledger lives in state/ (state/usage_ledger.jsonl).
export const topics = ['state'];

const money = (usd) => `$${usd.toFixed(4)}`;
/** `millrace usage`'s cost column: priced sum, plus how many runs have no known cost. */
const cost = (t) => (t.unpriced_runs === t.runs && t.runs > 0 ? 'unpriced' : `${money(t.cost_usd)}${t.unpriced_runs > 0 ? ` (+${t.unpriced_runs} unpriced)` : ''}`);

/** Horizontal bars of total tokens per row, with the cost beside each. */
function bars(rows, label) {
  if (!rows.length) return h('p', { class: 'muted' }, 'Nothing yet.');
  const max = Math.max(1, ...rows.map((r) => r.total_tokens));
  return h(
    'ul',
    { class: 'bars', 'aria-label': label },
    rows.map((r) =>
      h('li', {}, h('span', { class: 'bar-label' }, r.key), h('span', { class: 'bar', 'data-share': Math.round((100 * r.total_tokens) / max) }), h('span', { class: 'bar-value' }, `${fmtInt(r.total_tokens)} · ${cost(r)}`)),
    ),
  );
}

/** Cumulative tokens (left axis) and cumulative priced cost (right axis) over time, one step per ledger record. */
function chart(points) {
  if (points.length < 1) return h('p', { class: 'muted' }, 'No stage run has been recorded in the usage ledger yet.');
  const holder = h('div', { class: 'chart', role: 'img', 'aria-label': 'cumulative tokens and cost over time' });
  let tokens = 0;
  let usd = 0;
  const xs = [];
  const ts = [];
  const cs = [];
  for (const p of points) {
    tokens += p.total_tokens;
    usd += p.cost_usd ?? 0;
    xs.push(Date.parse(p.recorded_at) / 1000);
    ts.push(tokens);
    cs.push(Math.round(usd * 1e6) / 1e6);
  }
  // Drawn once the page is in the document, so the chart can take the width of its card.
  setTimeout(() => {
    const width = Math.max(320, Math.min(900, holder.clientWidth || 800));
    new uPlot(
      {
        width,
        height: 260,
        scales: { tokens: {}, usd: {} },
        series: [
          {},
          { label: 'tokens (cumulative)', scale: 'tokens', stroke: '#2563eb', width: 2, fill: 'rgba(37,99,235,0.08)' },
          { label: 'cost USD (cumulative)', scale: 'usd', stroke: '#b45309', width: 2, value: (_u, v) => (v === null ? '—' : money(v)) },
        ],
        axes: [{}, { scale: 'tokens', size: 70 }, { scale: 'usd', side: 1, size: 70, grid: { show: false }, values: (_u, vals) => vals.map((v) => `$${v}`) }],
      },
      [xs, ts, cs],
      holder,
    );
  }, 0);
  return holder;
}

export async function load({ ws }) {
  const usage = await getJson(`/api/w/${ws}/usage`);
  const t = usage.total;
  const node = h(
    'div',
    { class: 'usage' },
    h('h1', {}, 'Usage'),
    h('p', { class: 'muted small' }, 'From the usage ledger (state/usage_ledger.jsonl), one record per stage run: the same numbers as `millrace usage`.'),
    section('Totals', kv([
      ['stage runs', fmtInt(t.runs)],
      ['input', fmtInt(t.input_tokens)],
      ['cached input', fmtInt(t.cached_input_tokens)],
      ['output', fmtInt(t.output_tokens)],
      ['reasoning', fmtInt(t.thinking_tokens)],
      ['total', fmtInt(t.total_tokens)],
      ['cost', cost(t)],
    ])),
    section('Tokens and cost over time', chart(usage.points)),
    h('div', { class: 'grid' }, section('By stage', bars(usage.by_stage, 'tokens by stage')), section('By day', bars(usage.by_day, 'tokens by day'))),
    section(
      'By work item',
      usage.by_item.length === 0
        ? h('p', { class: 'muted' }, 'Nothing yet.')
        : table(['work item', 'runs', 'input', 'output', 'total', 'cost'], usage.by_item.map((r) => [r.key, fmtInt(r.runs), fmtInt(r.input_tokens), fmtInt(r.output_tokens), fmtInt(r.total_tokens), cost(r)])),
    ),
  );
  // Bar widths through the CSSOM (the CSP allows no inline style attributes).
  for (const bar of node.querySelectorAll('.bar')) bar.style.width = `${bar.dataset.share}%`;
  return node;
}

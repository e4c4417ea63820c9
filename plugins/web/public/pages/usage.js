import uPlot from '/vendor/uPlot.esm.js';
import { fmtInt, getJson, h, kv, section, table } from '../dom.js';

export const topics = ['runs'];

function bars(rows) {
  if (!rows.length) return h('p', { class: 'muted' }, 'Nothing yet.');
  const max = Math.max(1, ...rows.map((r) => r.total_tokens));
  return h(
    'ul',
    { class: 'bars' },
    rows.map((r) => h('li', {}, h('span', { class: 'bar-label' }, r.key), h('span', { class: 'bar', 'data-share': Math.round((100 * r.total_tokens) / max) }), h('span', { class: 'bar-value' }, fmtInt(r.total_tokens)))),
  );
}

function chart(points) {
  const holder = h('div', { class: 'chart', role: 'img', 'aria-label': 'cumulative tokens over time' });
  if (points.length < 1) return h('p', { class: 'muted' }, 'No stage has reported token usage yet.');
  let sum = 0;
  const xs = [];
  const ys = [];
  for (const p of points) {
    sum += p.total_tokens;
    xs.push(Date.parse(p.completed_at) / 1000);
    ys.push(sum);
  }
  // Drawn once the page is in the document, so the chart can take the width of its card.
  setTimeout(() => {
    const width = Math.max(320, Math.min(900, holder.clientWidth || 800));
    new uPlot({ width, height: 260, series: [{}, { label: 'total tokens (cumulative)', stroke: '#2563eb', width: 2, fill: 'rgba(37,99,235,0.08)' }], axes: [{}, { size: 70 }] }, [xs, ys], holder);
  }, 0);
  return holder;
}

export async function load({ ws }) {
  const usage = await getJson(`/api/w/${ws}/usage`);
  const node = h(
    'div',
    { class: 'usage' },
    h('h1', {}, 'Usage'),
    h('p', { class: 'muted small' }, 'Token usage reported by the runners in each stage result (the same numbers as `runs show`).'),
    section('Totals', kv([
      ['stage runs with usage', fmtInt(usage.totals.stages)],
      ['input', fmtInt(usage.totals.input_tokens)],
      ['cached input', fmtInt(usage.totals.cached_input_tokens)],
      ['output', fmtInt(usage.totals.output_tokens)],
      ['reasoning', fmtInt(usage.totals.thinking_tokens)],
      ['total', fmtInt(usage.totals.total_tokens)],
      ['cost (USD, where the harness priced it)', usage.totals.cost_usd === null ? 'not reported' : `$${usage.totals.cost_usd.toFixed(4)}`],
    ])),
    section('Over time', chart(usage.points)),
    h('div', { class: 'grid' }, section('By stage', bars(usage.by_stage)), section('By day', bars(usage.by_day))),
    section('By work item', usage.by_item.length === 0 ? h('p', { class: 'muted' }, 'Nothing yet.') : table(['work item', 'stages', 'input', 'output', 'total', 'cost (USD)'], usage.by_item.map((r) => [r.key, fmtInt(r.stages), fmtInt(r.input_tokens), fmtInt(r.output_tokens), fmtInt(r.total_tokens), r.cost_usd === null ? '—' : r.cost_usd.toFixed(4)]))),
  );
  // Bar widths through the CSSOM (the CSP allows no inline style attributes).
  for (const bar of node.querySelectorAll('.bar')) bar.style.width = `${bar.dataset.share}%`;
  return node;
}

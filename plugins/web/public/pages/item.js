import { fmtDuration, fmtInt, fmtTime, getJson, h, kv, link, section, table } from '../dom.js';

export const topics = ['queue', 'runs'];

const LINEAGE = ['root_idea_id', 'root_spec_id', 'spec_id', 'parent_spec_id', 'parent_task_id', 'source_type', 'source_id', 'incident_id', 'source_task_id', 'source_stage'];
const show = (v) => (Array.isArray(v) ? v.join(', ') : v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v));

export async function load({ ws, id }) {
  const { item, history } = await getJson(`/api/w/${ws}/items/${encodeURIComponent(id)}`);
  const fields = Object.entries(item.fields);
  const lineage = fields.filter(([k, v]) => LINEAGE.includes(k) && v !== null && v !== undefined);
  return h(
    'div',
    { class: 'item' },
    h('h1', {}, item.title, ' ', h('span', { class: `state state-${item.work_item_state}`, 'data-item-state': item.work_item_state }, `${item.work_item_kind} · ${item.work_item_state}`)),
    h('p', { class: 'muted' }, item.work_item_id, ' · ', item.path),
    h(
      'div',
      { class: 'grid' },
      section('Fields', kv(fields.filter(([k]) => !LINEAGE.includes(k)).map(([k, v]) => [k, show(v)]))),
      section('Lineage', lineage.length ? kv(lineage.map(([k, v]) => [k, show(v)])) : h('p', { class: 'muted' }, 'No parent or root recorded.')),
    ),
    section('Body', h('pre', { class: 'doc' }, item.body)),
    section(
      'History',
      history.length
        ? table(
            ['started', 'stage', 'result', 'duration', 'tokens', 'run'],
            history.map((r) => [fmtTime(r.started_at), r.stage, h('span', { class: `result result-${r.result_class ?? r.outcome}` }, r.outcome), fmtDuration(r.duration_seconds), fmtInt(r.token_usage?.total_tokens), link(`#/w/${ws}/run/${encodeURIComponent(r.run_id)}`, r.run_id.slice(4, 12))]),
            { class: 'history' },
          )
        : h('p', { class: 'muted' }, 'No stage has run this item yet.'),
    ),
  );
}

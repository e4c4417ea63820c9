import { elapsed, fmtInt, fmtTime, getJson, h, kv, link, section, table } from '../dom.js';

export const topics = ['state', 'queue', 'runs', 'events'];

/** running / idle / paused / stopped, and why, from the status view. */
export function runtimeState(status) {
  if (status.paused) return { label: 'paused', why: `pause source: ${status.pause_sources}${governanceWhy(status.usage_governance)}` };
  if (status.stop_requested && status.process_running) return { label: 'stopping', why: 'stop requested; the current stage finishes first' };
  if (status.process_running && status.active_runs.length) return { label: 'running', why: `${status.active_runs.length} active stage${status.active_runs.length > 1 ? 's' : ''}` };
  if (status.process_running) return { label: 'idle', why: status.execution_queue_depth + status.planning_queue_depth ? 'waiting for its next tick' : 'no queued work' };
  return { label: 'stopped', why: `no daemon holds the workspace (lock: ${status.runtime_ownership_lock})` };
}

/** Why usage governance paused the runtime: which limits, used vs limit, and when it lifts by itself. */
function governanceWhy(g) {
  if (!g?.paused) return '';
  if (!g.blockers.length) return '; budget limits reset, waiting for resume';
  const resume = g.next_auto_resume_at ? `resumes automatically at ${fmtTime(g.next_auto_resume_at)}` : 'no automatic resume (resume --force lifts it)';
  return `; budget reached: ${g.blockers.map((b) => b.summary).join('; ')}; ${resume}`;
}

const costText = (t) => (t.runs > 0 && t.unpriced_runs === t.runs ? 'unpriced' : `$${t.cost_usd.toFixed(4)}${t.unpriced_runs ? ` (+${t.unpriced_runs} unpriced)` : ''}`);

/** Ledger totals of the status view: this daemon session, today (UTC), all time. */
function usageTotals(status) {
  const u = status.usage;
  if (!u) return h('p', { class: 'muted' }, status.usage_error ? `usage unavailable: ${status.usage_error}` : 'No usage recorded.');
  const row = (label, key, t) => [label, t ? h('span', { 'data-usage': key }, `${fmtInt(t.total_tokens)} tokens · ${costText(t)} · ${fmtInt(t.runs)} runs`) : h('span', { 'data-usage': key, class: 'muted' }, 'no daemon session')];
  return kv([row('this session', 'session', u.session), row('today (UTC)', 'today', u.today), row('all time', 'all_time', u.all_time)]);
}

/** Every configured budget: used vs limit, reached or not, and when a reached one resets. */
function budgets(status) {
  const g = status.usage_governance;
  if (!g?.enabled) return h('p', { class: 'muted' }, 'No budgets (usage_governance is off).');
  if (g.budgets_error) return h('p', { class: 'muted' }, `budgets unavailable: ${g.budgets_error}`);
  const state = (b) => (b.reached ? (g.overridden_limit_ids.includes(b.id) ? 'reached (overridden)' : 'reached') : 'ok');
  return table(
    ['limit', 'state', 'resets'],
    g.budgets.map((b) => [h('span', { 'data-budget': b.id }, b.summary, b.work_item_id ? ` · ${b.work_item_id}` : ''), h('span', { class: `budget-${b.reached ? 'reached' : 'ok'}` }, state(b)), b.reached ? (b.resets_at ? fmtTime(b.resets_at) : 'not by time') : '—']),
    { class: 'budgets' },
  );
}

function activeRuns(ws, status) {
  if (!status.active_runs.length) return h('p', { class: 'muted' }, 'No stage is running.');
  return h(
    'ul',
    { class: 'active-runs' },
    status.active_runs.map((r) =>
      h(
        'li',
        { class: 'active-run', 'data-stage': r.stage },
        r.lane !== undefined ? h('span', { class: 'lane', 'data-lane': r.lane }, `lane ${r.lane} · `) : null,
        h('span', { class: 'stage-name' }, r.stage),
        ' on ',
        r.work_item_id ? link(`#/w/${ws.index}/item/${encodeURIComponent(r.work_item_id)}`, r.work_item_id) : h('span', {}, r.request_kind),
        ' · ',
        elapsed(r.active_since, { class: 'run-elapsed', 'aria-label': 'elapsed time' }),
        ' · ',
        link(`#/w/${ws.index}/run/${encodeURIComponent(r.run_id)}`, `run ${r.run_id.slice(4, 12)}`),
        r.activity ? h('div', { class: 'activity', 'data-source': r.activity_detail?.source ?? 'stdout', title: r.activity_detail?.source === 'runner' ? `latest runner activity${r.activity_detail.kind ? ` (${r.activity_detail.kind})` : ''}` : 'latest output line' }, r.activity) : null,
      ),
    ),
  );
}

function queueBoard(ws, queues) {
  const tasks = queues.folders.filter((f) => f.kind === 'task');
  const others = queues.folders.filter((f) => f.kind !== 'task');
  const column = (f) =>
    h(
      'div',
      { class: 'column', 'data-folder': `${f.kind}/${f.state}` },
      h('h3', {}, `${f.state} `, h('span', { class: 'count' }, fmtInt(f.count))),
      h('ul', {}, f.items.map((i) => h('li', { 'data-item': i.id }, link(`#/w/${ws.index}/item/${encodeURIComponent(i.id)}`, i.id), h('span', { class: 'title' }, i.title ?? '(does not parse)')))),
      f.count > f.items.length ? h('p', { class: 'muted' }, `and ${fmtInt(f.count - f.items.length)} more`) : null,
    );
  return [h('div', { class: 'board', 'aria-label': 'task queues' }, tasks.map(column)), h('p', { class: 'muted small' }, others.map((f) => `${f.kind} ${f.state}: ${f.count}`).join(' · '))];
}

/** The last control answer per workspace: it outlives the re-renders that live updates cause. */
const controlAnswers = new Map();

function controls(ws, meta) {
  if (!meta.control) return null;
  const out = h('p', { class: 'muted', role: 'status' }, controlAnswers.get(ws.index) ?? '');
  const send = async (action) => {
    const token = sessionStorage.getItem('millrace-token') ?? '';
    const response = await fetch(`/api/w/${ws.index}/control/${action}`, { method: 'POST', headers: { 'X-Millrace-Token': token } });
    const body = await response.json().catch(() => ({}));
    controlAnswers.set(ws.index, response.ok ? `${body.action}: ${body.detail}` : `refused: ${body.error?.message ?? response.status}`);
    for (const el of document.querySelectorAll(`[data-control-answer="${ws.index}"]`)) el.textContent = controlAnswers.get(ws.index);
  };
  out.setAttribute('data-control-answer', ws.index);
  return section(
    'Control',
    h('label', {}, 'Control token ', h('input', { type: 'password', autocomplete: 'off', value: sessionStorage.getItem('millrace-token') ?? '', oninput: (e) => sessionStorage.setItem('millrace-token', e.target.value) })),
    h('div', { class: 'buttons' }, ['pause', 'resume', 'stop', 'retry-active'].map((a) => h('button', { type: 'button', onclick: () => send(a) }, a))),
    out,
  );
}

async function workspaceBlock(ws, meta) {
  const { status, queues } = await getJson(`/api/w/${ws.index}/summary`);
  const state = runtimeState(status);
  const closure = status.closure;
  return h(
    'article',
    { class: 'workspace', 'aria-label': `workspace ${ws.name}` },
    h('h1', {}, ws.name, ' ', h('span', { class: `state state-${state.label}`, 'data-runtime-state': state.label }, state.label)),
    h('p', { class: 'muted' }, ws.root, ' · ', state.why),
    h(
      'div',
      { class: 'grid' },
      section('Active', activeRuns(ws, status)),
      section('Plan', kv([
        ['mode', status.active_mode_id],
        ['compiled plan', status.compiled_plan_id],
        ['currentness', h('span', { class: `currentness-${status.compiled_plan_currentness}` }, status.compiled_plan_currentness)],
        ['closure target', closure.closure_target_root_spec_id ?? 'none'],
        ['closure open', String(closure.closure_target_open ?? 'none')],
      ]), h('p', {}, link(`#/w/${ws.index}/flow`, 'Show the flow →'))),
      section('Usage', usageTotals(status), h('p', {}, link(`#/w/${ws.index}/usage`, 'Usage over time →'))),
      section('Budgets', budgets(status)),
      controls(ws, meta),
    ),
    section('Queues', queueBoard(ws, queues)),
    status.invalid_documents.length
      ? section('Invalid documents', h('p', { class: 'muted' }, 'Skipped by selection until fixed; never deleted.'), table(['file', 'problem'], status.invalid_documents.map((d) => [d.path, d.problems.join('; ')])))
      : null,
  );
}

export async function load({ ws, meta }) {
  const shown = ws === undefined ? meta.workspaces : meta.workspaces.filter((w) => w.index === ws);
  const blocks = await Promise.all(shown.map((w) => workspaceBlock(w, meta)));
  return h('div', { class: 'overview' }, blocks);
}

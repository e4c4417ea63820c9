import { fmtDuration, fmtInt, fmtTime, h, getJson, kv, section, table, link } from '../dom.js';

export const topics = ['runs', 'state'];

async function text(url) {
  const response = await fetch(url);
  return response.ok ? { text: await response.text(), truncated: response.headers.get('X-Artifact-Truncated') === 'true' } : null;
}

/** Shown as text in a <pre>: an artifact is never interpreted as markup. */
function artifactBlock(title, name, body, live) {
  if (!body) return section(title, h('p', { class: 'muted' }, name ? `${name} is gone.` : 'none'));
  if (body.text === '') return section(title, h('p', { class: 'muted small' }, name, ' (empty)'));
  return section(
    title,
    h('p', { class: 'muted small' }, name, body.truncated ? ' (last 256 KiB)' : '', live ? h('span', { class: 'following' }, ' · following live') : null),
    h('pre', { class: 'artifact', 'data-artifact': name, tabindex: 0 }, body.text),
  );
}

export async function load({ ws, id }) {
  const { run, artifacts, live_stdout: liveStdout, activity } = await getJson(`/api/w/${ws}/runs/${encodeURIComponent(id)}`);
  const last = run.stage_results[run.stage_results.length - 1];
  const request = liveStdout ? liveStdout.slice('runner_stdout.'.length, -'.txt'.length) : last?.request_id ?? artifacts.filter((a) => a.startsWith('runner_prompt.')).pop()?.slice('runner_prompt.'.length, -'.md'.length);
  const base = `/api/w/${ws}/runs/${encodeURIComponent(id)}/artifacts/`;
  const named = (prefix, ext) => (request && artifacts.includes(`${prefix}.${request}${ext}`) ? `${prefix}.${request}${ext}` : null);
  const prompt = named('runner_prompt', '.md');
  const stdout = named('runner_stdout', '.txt');
  const stderr = named('runner_stderr', '.txt');
  const [promptText, stdoutText, stderrText] = await Promise.all([prompt, stdout, stderr].map((n) => (n ? text(base + n) : null)));
  const stageRows = run.stage_results.map((r) => [r.stage, h('span', { class: `result result-${r.result_class}` }, r.terminal_result), fmtTime(r.started_at), fmtDuration(r.duration_seconds), fmtInt(r.token_usage?.total_tokens), r.runner_name ?? '—']);
  return h(
    'div',
    { class: 'run' },
    h('h1', {}, `Run ${run.run_id.slice(4, 12)} `, h('span', { class: `state state-${liveStdout ? 'running' : run.status}` }, liveStdout ? 'running' : run.status)),
    h('p', { class: 'muted' }, run.run_id),
    h(
      'div',
      { class: 'grid' },
      section('Run', kv([
        ['work item', run.work_item_id ? link(`#/w/${ws}/item/${encodeURIComponent(run.work_item_id)}`, run.work_item_id) : 'none'],
        ['started', fmtTime(run.started_at)],
        ['completed', fmtTime(run.completed_at)],
        ['duration', fmtDuration(run.duration_seconds)],
        ['failure class', run.failure_class ?? 'none'],
      ])),
      section('Tokens', run.token_usage ? kv([
        ['input', fmtInt(run.token_usage.input_tokens)],
        ['cached input', fmtInt(run.token_usage.cached_input_tokens)],
        ['output', fmtInt(run.token_usage.output_tokens)],
        ['reasoning', fmtInt(run.token_usage.thinking_tokens)],
        ['total', fmtInt(run.token_usage.total_tokens)],
      ]) : h('p', { class: 'muted' }, 'The runner reported no token usage.')),
    ),
    activity
      ? section('Live activity', h('p', { class: 'activity', 'data-source': activity.source }, activity.text), h('p', { class: 'muted small' }, activity.source === 'runner' ? `reported by the runner${activity.kind ? ` (${activity.kind})` : ''}${activity.at ? ` at ${fmtTime(activity.at)}` : ''}${activity.total_tokens !== null ? ` · ${fmtInt(activity.total_tokens)} tokens so far` : ''}` : 'last line of stdout (the runner reports no activity)'))
      : null,
    section('Stage results', stageRows.length ? table(['stage', 'result', 'started', 'duration', 'tokens', 'runner'], stageRows) : h('p', { class: 'muted' }, 'No stage has finished in this run yet.')),
    artifactBlock('stdout', stdout, stdoutText, Boolean(liveStdout)),
    artifactBlock('stderr', stderr, stderrText, Boolean(liveStdout)),
    artifactBlock('Prompt', prompt, promptText, false),
    section('All artifacts', h('ul', { class: 'artifacts' }, artifacts.map((a) => h('li', {}, h('a', { href: base + a, target: '_blank', rel: 'noopener' }, a))))),
  );
}

import type { MonitorEvent } from '../runtime/monitor.js';

const ACTIVITY_LINE_MS = 2000;

/** `--monitor basic` lines (runtime.md §12): `[HH:MM:SS] <text>`. Stateful only for run handles and idle throttling. */
export function createBasicMonitorFormatter(): (event: MonitorEvent) => string[] {
  const handles = new Map<string, string>();
  let lastIdle: { reason: string; at: number } | null = null;
  const runStarts = new Map<string, number>();
  const handle = (runId: unknown): string => {
    if (typeof runId !== 'string') return 'unknown';
    const known = handles.get(runId);
    if (known) return known;
    const m = /^run-([0-9a-f]+)$/.exec(runId);
    let chosen = runId;
    if (m && m[1]!.length > 8) {
      const taken = new Set(handles.values());
      chosen = [8, 12, 16].filter((n) => n < m[1]!.length).map((n) => m[1]!.slice(0, n)).find((h) => !taken.has(h)) ?? runId;
    }
    handles.set(runId, chosen);
    return chosen;
  };
  const v = (x: unknown) => (x === null || x === undefined || x === '' ? 'unknown' : String(x));
  const bare = (m: unknown) => v(m).replace(/^###\s*/, '');
  /** `lane 2 execution` in lane mode (docs/parallel.md), else the plane. */
  const where = (p: Record<string, unknown>) => `${p.lane !== undefined && p.lane !== null ? `lane ${v(p.lane)} ` : ''}${v(p.plane)}`;
  const ref = (p: Record<string, unknown>) => {
    let out = `${where(p)}/${v(p.stage)}`;
    if (p.node_id && p.node_id !== p.stage) out += ` node=${v(p.node_id)}`;
    if (p.stage_kind_id && p.stage_kind_id !== p.stage && p.stage_kind_id !== p.node_id) out += ` kind=${v(p.stage_kind_id)}`;
    return out;
  };
  /** Activity lines are rate-limited per run: at most one every ACTIVITY_LINE_MS (the latest one wins the slot). */
  const lastActivityLine = new Map<string, number>();
  const depthsText = (p: Record<string, unknown>) => {
    const depths = p.queue_depths_by_plane as Record<string, number> | undefined;
    return depths ? ` queue ${['execution', 'planning'].map((pl) => `${pl}=${depths[pl] ?? 0}`).join(' ')}` : '';
  };
  return (event) => {
    const p = event.payload;
    const time = event.occurred_at.toISOString().slice(11, 19);
    const line = (text: string) => `[${time}] ${text}`;
    if (event.event_type !== 'runtime_idle') lastIdle = null;
    switch (event.event_type) {
      case 'runtime_started': {
        const loops = (p.loop_ids_by_plane ?? {}) as Record<string, string>;
        const markers = (p.status_markers_by_plane ?? {}) as Record<string, string>;
        const depths = (p.queue_depths_by_plane ?? {}) as Record<string, number>;
        return [
          line(`runtime started mode=${v(p.mode_id)} plan=${v(p.compiled_plan_id)} currentness=${v(p.compiled_plan_currentness)}`),
          line(`baseline manifest=${v(p.baseline_manifest_id)} seed_package=${v(p.baseline_seed_package_version)}`),
          ...(Object.keys(loops).length ? [line(`loops ${Object.entries(loops).map(([k, id]) => `${k}=${id}`).join(' ')}`)] : []),
          line('concurrency none'),
          line(`scheduler mode=${v(p.scheduler_mode ?? 'serial')}`),
          line(`snapshot status ${['execution', 'planning', 'learning'].map((pl) => `${pl}=${bare(markers[pl] ?? '### IDLE')}`).join(' ')} queue ${['execution', 'planning', 'learning'].map((pl) => `${pl}=${depths[pl] ?? 0}`).join(' ')}`),
        ];
      }
      case 'runtime_resumed_active_run':
        return [line(`resumed active ${v(p.active_plane)}/${v(p.active_stage)} run=${handle(p.active_run_id)}`)];
      case 'stage_started':
        if (!runStarts.has(`${String(p.plane)}:${String(p.run_id)}`)) runStarts.set(`${String(p.plane)}:${String(p.run_id)}`, event.occurred_at.getTime());
        return [line(`stage start ${ref(p)} run=${handle(p.run_id)}${p.work_item_kind ? ` work=${v(p.work_item_kind)}:${v(p.work_item_id)}` : ''}`)];
      case 'stage_completed': {
        const status = bare(p.summary_status_marker);
        const dur = Number(p.duration_seconds ?? 0).toFixed(1);
        const key = `${String(p.plane)}:${String(p.run_id)}`;
        const startedAt = Math.min(runStarts.get(key) ?? Infinity, Date.parse(String(p.started_at)) || Infinity);
        const completedAt = Date.parse(String(p.completed_at)) || event.occurred_at.getTime();
        const elapsed = Number.isFinite(startedAt) ? ((completedAt - startedAt) / 1000).toFixed(1) : dur;
        const usage = p.token_usage as { total_tokens?: number } | null | undefined;
        return [
          line(`stage done ${ref(p)} run=${handle(p.run_id)} result=${v(p.terminal_result)}${status !== p.terminal_result ? ` status=${status}` : ''} dur=${dur}s`),
          ...(p.failure_class ? [line(`stage failed ${ref(p)} run=${handle(p.run_id)}${p.work_item_id ? ` work=${v(p.work_item_kind)}:${v(p.work_item_id)}` : ''} class=${v(p.failure_class)} dur=${dur}s`)] : []),
          line(`run ${where(p)} run=${handle(p.run_id)} elapsed=${elapsed}s${usage?.total_tokens !== undefined ? ` tokens=${usage.total_tokens}` : ''}`),
        ];
      }
      case 'runner_activity': {
        const key = String(p.run_id);
        const at = event.occurred_at.getTime();
        if (at - (lastActivityLine.get(key) ?? -Infinity) < ACTIVITY_LINE_MS) return [];
        lastActivityLine.set(key, at);
        const started = runStarts.get(`${String(p.plane)}:${String(p.run_id)}`);
        const elapsed = started === undefined ? '' : ` +${Math.max(0, Math.round((at - started) / 1000))}s`;
        const usage = p.usage as { total_tokens?: number } | undefined;
        const tokens = usage?.total_tokens !== undefined ? ` tokens=${usage.total_tokens}` : '';
        return [line(`activity ${where(p)}/${v(p.stage)} run=${handle(p.run_id)}${elapsed}${tokens} ${v(p.kind)}: ${v(p.text)}`)];
      }
      case 'runner_stalled':
        return [line(`stalled ${where(p)}/${v(p.stage)} run=${handle(p.run_id)} no activity since ${v(p.last_activity_at)} (stall_timeout=${v(p.stall_timeout_seconds)}s)`)];
      case 'router_decision': {
        const plane = where(p);
        const reason = p.reason ? ` reason=${v(p.reason)}` : '';
        if (p.action === 'idle') return [line(`route ${plane} done${reason}`)];
        if (p.action === 'blocked') return [line(`route ${plane} blocked${reason}`)];
        if (p.next_stage) {
          const target = p.action === 'handoff' ? `planning/${v(p.next_stage)}` : v(p.next_stage);
          return [line(`route ${plane} -> ${target}${p.action !== 'run_stage' ? ` action=${v(p.action)}` : ''}${reason}`)];
        }
        return [line(`route ${plane} action=${v(p.action)}${reason}`)];
      }
      case 'status_marker_changed':
        if (p.source === 'stage_started' || p.source === 'stage_completed') return [];
        return [line(`status ${v(p.plane)} run=${handle(p.run_id)} from=${bare(p.previous_marker)} to=${bare(p.current_marker)}`)];
      case 'runtime_idle': {
        const reason = v(p.reason);
        const at = event.occurred_at.getTime();
        if (lastIdle && lastIdle.reason === reason && at - lastIdle.at < 120_000) return [];
        lastIdle = { reason, at };
        return [line(`idle reason=${reason}${depthsText(p)}`)];
      }
      case 'runtime_paused': {
        const gov = p.usage_governance as { summary?: unknown; next_auto_resume_at?: unknown } | undefined;
        const budget = Array.isArray(gov?.summary) && gov.summary.length ? ` budget=${JSON.stringify(gov.summary.join('; '))} auto_resume_at=${v(gov.next_auto_resume_at)}` : '';
        return [line(`paused reason=${v(p.reason)}${Array.isArray(p.pause_sources) && p.pause_sources.length ? ` sources=${p.pause_sources.join(',')}` : ''}${budget}${depthsText(p)}`)];
      }
      case 'usage_governance_paused':
        return [line(`usage_governance paused budget=${JSON.stringify((Array.isArray(p.summary) ? p.summary : []).join('; '))} auto_resume_at=${v(p.next_auto_resume_at)}`)];
      case 'usage_governance_resumed':
        return [line(`usage_governance resumed reason=${v(p.reason)}`)];
      case 'usage_budget_item_blocked':
        return [line(`usage_budget blocked ${v(p.work_item_kind)}=${v(p.work_item_id)} reason=${v(p.reason)}`)];
      case 'runtime_stopped':
        return [line(`stopped reason=${v(p.reason)}`)];
      default:
        return [];
    }
  };
}

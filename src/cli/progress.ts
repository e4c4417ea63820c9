import type { MonitorEvent } from '../runtime/monitor.js';
import { safeTerminalText } from './terminal-text.js';

/**
 * listr2 progress for `millrace run`: one short-lived Listr per stage (so nothing holds back other output between
 * stages). The default renderer is used only on a TTY outside CI; otherwise the line-based `verbose` renderer, so no
 * cursor escapes reach a pipe (docs: oclif-host notes §1.7).
 */
export type StageProgress = { onEvent(event: MonitorEvent): void; finish(): Promise<void> };

export async function createStageProgress(stream: NodeJS.WriteStream = process.stdout): Promise<StageProgress> {
  const { Listr, PRESET_TIMER } = await import('listr2');
  const fancy = Boolean(stream.isTTY) && !process.env.CI;
  type Running = { done: (ok: boolean, title: string) => void; run: Promise<unknown>; setOutput: (text: string) => void };
  /**
   * The stage running per place: `plane` in the serial runtime, `lane <n>` for execution lanes (docs/parallel.md), so
   * every lane has its own line. Lane stages always use the line renderer: several redrawing lists would overwrite
   * one another on a terminal.
   */
  const running = new Map<string, Running>();
  const lastDecision = new Map<string, string>();
  const lastOutputAt = new Map<string, number>();
  const placeOf = (p: Record<string, unknown>) => (p.lane !== undefined && p.lane !== null ? `lane ${String(p.lane)}` : String(p.plane));
  // A pipe gets each output change as a line: at most one a second there; a terminal redraws in place.
  const outputEveryMs = fancy ? 250 : 1000;

  const startStage = (place: string, unsafeTitle: string, inLane: boolean) => {
    const title = safeTerminalText(unsafeTitle);
    const redraw = fancy && !inLane;
    let taskRef: { output: string } | null = null;
    let pendingOutput: string | null = null;
    let settle!: (r: { ok: boolean; title: string }) => void;
    const finished = new Promise<{ ok: boolean; title: string }>((resolve) => (settle = resolve));
    const list = new Listr(
      [
        {
          title,
          task: async (_ctx, task) => {
            taskRef = task;
            task.output = pendingOutput ?? safeTerminalText(`last decision: ${lastDecision.get(place) ?? 'none'}`);
            const r = await finished;
            task.title = safeTerminalText(r.title);
            if (!r.ok) throw new Error(r.title);
          },
          rendererOptions: { persistentOutput: false },
        },
      ],
      {
        renderer: redraw ? 'default' : 'verbose',
        fallbackRenderer: 'verbose',
        exitOnError: false,
        collectErrors: 'minimal',
        registerSignalListeners: false,
        rendererOptions: { timer: PRESET_TIMER },
        fallbackRendererOptions: { timer: PRESET_TIMER },
      },
    );
    running.set(place, {
      done: (ok, t) => settle({ ok, title: t }),
      run: list.run().catch(() => undefined),
      setOutput: (unsafe) => {
        const text = safeTerminalText(unsafe);
        if (taskRef) taskRef.output = text;
        else pendingOutput = text;
      },
    });
  };
  const seconds = (s: unknown) => `${Number(s ?? 0).toFixed(1)}s`;
  const shortRun = (id: unknown) => String(id ?? '').replace(/^run-/, '').slice(0, 8);

  return {
    onEvent(event) {
      const p = event.payload;
      const place = placeOf(p);
      const current = running.get(place);
      const lane = place.startsWith('lane ') ? `${place}: ` : '';
      const work = p.work_item_id ? ` ${String(p.work_item_kind)}:${String(p.work_item_id)}` : '';
      if (event.event_type === 'stage_started') {
        const timeout = Number(p.timeout_seconds ?? 0) > 0 ? ` (timeout ${String(p.timeout_seconds)}s)` : '';
        current?.done(true, 'superseded');
        startStage(place, `${lane}${String(p.plane)}/${String(p.stage)}${work}${timeout}`, lane !== '');
      } else if (event.event_type === 'runner_activity' && current) {
        const now = Date.now();
        if (now - (lastOutputAt.get(place) ?? 0) < outputEveryMs) return;
        lastOutputAt.set(place, now);
        const usage = p.usage as { total_tokens?: number } | undefined;
        current.setOutput(`${lane}${String(p.kind)}: ${String(p.text)}${usage?.total_tokens !== undefined ? ` [${usage.total_tokens} tokens]` : ''}`);
      } else if (event.event_type === 'runner_stalled' && current) {
        current.setOutput(`${lane}stalled: no activity since ${String(p.last_activity_at)}`);
      } else if (event.event_type === 'stage_completed' && current) {
        const ok = p.failure_class === null || p.failure_class === undefined;
        const usage = p.token_usage as { total_tokens?: number } | null | undefined;
        const tokens = usage?.total_tokens !== undefined ? `, ${usage.total_tokens} tokens` : '';
        current.done(ok, `${lane}${String(p.plane)}/${String(p.stage)}${work} -> ${String(p.terminal_result)} in ${seconds(p.duration_seconds)}${tokens}${ok ? '' : ` (${String(p.failure_class)}, run ${shortRun(p.run_id)})`}`);
        running.delete(place);
      } else if (event.event_type === 'runtime_idle' || event.event_type === 'runtime_paused') {
        const depths = (p.queue_depths_by_plane ?? {}) as Record<string, number>;
        const queues = `queue execution=${depths.execution ?? 0} planning=${depths.planning ?? 0}`;
        const sources = Array.isArray(p.pause_sources) && p.pause_sources.length ? ` by ${p.pause_sources.join(', ')}` : '';
        const what = event.event_type === 'runtime_paused' ? `paused${sources}: ${pauseWait(p)}` : p.reason === 'no_work' ? 'idle: waiting for work' : `idle: ${String(p.reason)}`;
        stream.write(`${safeTerminalText(what)} (${queues})\n`);
      } else if (event.event_type === 'usage_governance_resumed') {
        stream.write(`usage governance: ${p.reason === 'limits_reset' ? 'budget limits reset, resuming' : 'pause lifted'}\n`);
      } else if (event.event_type === 'usage_budget_item_blocked') {
        stream.write(safeTerminalText(`budget: ${String(p.work_item_kind)}:${String(p.work_item_id)} blocked (${budgetSummary(p.limits).join('; ')})`) + '\n');
      } else if (event.event_type === 'router_decision') {
        lastDecision.set(place, `${String(p.action)} ${String(p.reason)}${p.next_stage ? ` -> ${String(p.next_stage)}` : ''}`);
      }
    },
    async finish() {
      for (const current of running.values()) current.done(true, 'stopped');
      await Promise.all([...running.values()].map((r) => r.run));
      running.clear();
    },
  };
}

type GovernancePayload = { summary?: unknown; next_auto_resume_at?: unknown };

/** The limits named in a governance payload (`five-hours (rolling 5h): tokens 1,200/1,000`). */
function budgetSummary(limits: unknown): string[] {
  if (!Array.isArray(limits)) return [];
  return limits.map((l: { id?: unknown; used_tokens?: unknown; max_tokens?: unknown; used_cost_usd?: unknown; max_cost_usd?: unknown }) =>
    [String(l.id), l.max_tokens != null ? `tokens ${String(l.used_tokens)}/${String(l.max_tokens)}` : '', l.max_cost_usd != null ? `cost $${Number(l.used_cost_usd).toFixed(4)}/$${Number(l.max_cost_usd).toFixed(4)}` : ''].filter(Boolean).join(' '),
  );
}

/** What a paused runtime waits for: the operator's resume, and/or a budget's reset (which limit, used vs limit). */
export function pauseWait(p: Record<string, unknown>): string {
  const sources = Array.isArray(p.pause_sources) ? (p.pause_sources as string[]) : [];
  const gov = p.usage_governance as GovernancePayload | undefined;
  const summary = Array.isArray(gov?.summary) ? (gov.summary as string[]) : [];
  const operator = sources.includes('operator') || !sources.includes('usage_governance') ? 'waiting for resume' : '';
  if (!sources.includes('usage_governance')) return operator;
  const resumeAt = typeof gov?.next_auto_resume_at === 'string' ? `resumes automatically at ${gov.next_auto_resume_at}` : 'no automatic resume (resume --force lifts it)';
  const budget = summary.length ? `budget reached: ${summary.join('; ')}; ${resumeAt}` : 'budget limits reset, waiting for resume';
  return operator ? `${operator}; ${budget}` : budget;
}

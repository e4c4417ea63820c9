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
  let current: { done: (ok: boolean, title: string) => void; run: Promise<unknown> } | null = null;
  let lastDecision = 'none';

  const startStage = (unsafeTitle: string) => {
    const title = safeTerminalText(unsafeTitle);
    let settle!: (r: { ok: boolean; title: string }) => void;
    const finished = new Promise<{ ok: boolean; title: string }>((resolve) => (settle = resolve));
    const list = new Listr(
      [
        {
          title,
          task: async (_ctx, task) => {
            task.output = safeTerminalText(`last decision: ${lastDecision}`);
            const r = await finished;
            task.title = safeTerminalText(r.title);
            if (!r.ok) throw new Error(r.title);
          },
          rendererOptions: { persistentOutput: false },
        },
      ],
      {
        renderer: fancy ? 'default' : 'verbose',
        fallbackRenderer: 'verbose',
        exitOnError: false,
        collectErrors: 'minimal',
        registerSignalListeners: false,
        rendererOptions: { timer: PRESET_TIMER },
        fallbackRendererOptions: { timer: PRESET_TIMER },
      },
    );
    current = { done: (ok, t) => settle({ ok, title: t }), run: list.run().catch(() => undefined) };
  };

  return {
    onEvent(event) {
      const p = event.payload;
      if (event.event_type === 'stage_started') {
        const work = p.work_item_id ? ` ${String(p.work_item_kind)}:${String(p.work_item_id)}` : '';
        startStage(`${String(p.plane)}/${String(p.stage)}${work}`);
      } else if (event.event_type === 'stage_completed' && current) {
        const ok = p.failure_class === null || p.failure_class === undefined;
        current.done(ok, `${String(p.plane)}/${String(p.stage)} -> ${String(p.terminal_result)}${ok ? '' : ` (${String(p.failure_class)})`}`);
      } else if (event.event_type === 'router_decision') {
        lastDecision = `${String(p.action)} ${String(p.reason)}${p.next_stage ? ` -> ${String(p.next_stage)}` : ''}`;
      }
    },
    async finish() {
      if (current) {
        current.done(true, 'stopped');
        await current.run;
        current = null;
      }
    },
  };
}

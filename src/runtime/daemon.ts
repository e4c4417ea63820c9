import type { RuntimeEngine, TickOutcome } from './engine.js';

export type DaemonOptions = {
  /** At most this many ticks, each running at most one stage (runtime.md §14 #1: the recommended meaning). */
  maxTicks?: number;
  /** Read before each idle sleep, so a reloaded `idle_sleep_seconds` applies. */
  idleSleepMs: () => number;
  onTick?: (outcome: TickOutcome, tick: number) => void;
  /** Work done between ticks, never during one (retention); its failures are its own to report. */
  betweenTicks?: () => Promise<unknown>;
};

export type DaemonSummary = { ticks: number; stopped: 'max_ticks' | 'stop_requested' | 'interrupted' | 'not_running' };

/**
 * The daemon loop: tick, and sleep only while idle. Stops at `--max-ticks`, a processed stop (mailbox or signal),
 * or an abandoned stage. The engine is closed (lock released) on every path.
 */
export async function runDaemonLoop(engine: RuntimeEngine, options: DaemonOptions, wake: { wait(ms: number): Promise<void> }): Promise<DaemonSummary> {
  let ticks = 0;
  let stopped: DaemonSummary['stopped'] = 'max_ticks';
  try {
    while (options.maxTicks === undefined || ticks < options.maxTicks) {
      const outcome = await engine.tick();
      ticks++;
      options.onTick?.(outcome, ticks);
      if (outcome.kind === 'idle' && (outcome.reason === 'stop_requested' || outcome.reason === 'interrupted')) {
        stopped = outcome.reason;
        break;
      }
      if (!engine.snapshot.process_running) {
        stopped = 'not_running';
        break;
      }
      await options.betweenTicks?.();
      if (outcome.kind === 'idle' && options.maxTicks === undefined && !engine.stopPending) await wake.wait(options.idleSleepMs());
    }
  } finally {
    await engine.close();
  }
  return { ticks, stopped };
}

/** A sleep that a stop request can cut short. */
export function createWake(): { wait(ms: number): Promise<void>; wake(): void } {
  let release: (() => void) | null = null;
  return {
    wait(ms) {
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          release = null;
          resolve();
        }, ms);
        release = () => {
          clearTimeout(timer);
          release = null;
          resolve();
        };
      });
    },
    wake() {
      release?.();
    },
  };
}

import type { RunnerRawResult, StageRunRequest } from '@millrace/plugin-api';

/** A stage running in a lane; `raw` is set once its runner returned. */
export type RunningStage = { lane: number; request: StageRunRequest; raw: RunnerRawResult | null };

/** Starts a lane's stage; `signal` aborts this stage only (an operator's retry of the lane's task). */
export type StageStart = (signal: AbortSignal) => Promise<RunnerRawResult>;

/**
 * The stages running in lanes right now (memory only: after a crash the snapshot's lane runs are reconciled). The
 * engine takes finished stages lowest lane first, so results of lanes finishing together apply in a fixed order.
 */
export class LanePool {
  private readonly running = new Map<number, { stage: RunningStage; done: Promise<void>; abort: AbortController }>();
  private wakeUp: (() => void) | null = null;

  start(lane: number, request: StageRunRequest, run: StageStart): void {
    const stage: RunningStage = { lane, request, raw: null };
    const abort = new AbortController();
    const done = run(abort.signal).then((raw) => {
      stage.raw = raw;
      this.wake();
    });
    this.running.set(lane, { stage, done, abort });
  }

  /** Stages still running (not finished), lowest lane first. */
  runningStages(): RunningStage[] {
    return [...this.running.values()].filter((r) => r.stage.raw === null).map((r) => r.stage).sort((a, b) => a.lane - b.lane);
  }

  /** Abort one lane's running stage (its runner ends the harness; the result still arrives and is taken as usual). */
  abort(lane: number): void {
    this.running.get(lane)?.abort.abort();
  }

  isRunning(lane: number): boolean {
    return this.running.has(lane);
  }

  get size(): number {
    return this.running.size;
  }

  /** Remove and return every finished stage, lowest lane first. */
  takeFinished(): Array<RunningStage & { raw: RunnerRawResult }> {
    const finished = [...this.running.values()].map((r) => r.stage).filter((s): s is RunningStage & { raw: RunnerRawResult } => s.raw !== null);
    finished.sort((a, b) => a.lane - b.lane);
    for (const stage of finished) this.running.delete(stage.lane);
    return finished;
  }

  /** Resolves when a stage finishes, after `ms`, or on wake(), whichever comes first. */
  async waitAny(ms: number): Promise<void> {
    if ([...this.running.values()].some((r) => r.stage.raw !== null)) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
    this.wakeUp = null;
  }

  /** Resolves when every running stage has finished. */
  async waitAll(): Promise<void> {
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  wake(): void {
    this.wakeUp?.();
  }
}

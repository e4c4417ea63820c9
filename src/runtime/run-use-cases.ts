import type { Registry } from '../registry/registry.js';
import { createWake, runDaemonLoop, type DaemonSummary } from './daemon.js';
import type { TickOutcome } from './engine.js';
import type { MonitorSink } from './monitor.js';
import { openRuntime, type ListedRuntimeRegistry } from './open-runtime.js';
import { createDaemonRetention } from './retention.js';
import { RetentionConfigSchema } from '../contracts/config.js';
import type { TickSteps } from './tick-steps.js';

export type RunCommonOptions = { workspace: string; registry: Registry; modeOverride: string | null; monitor?: MonitorSink; steps?: TickSteps };

export type RunOnceResult = {
  run_mode: 'once';
  active_mode_id: string;
  mode_override: string | null;
  compiled_plan_id: string;
  tick_reason: string;
  stage: string | null;
  terminal_result: string | null;
  failure_class: string | null;
  /** The stage result's notes (why a stage failed: the runner's error, a missing marker ...). */
  notes: string[];
  /** 1 when the stage failed to produce a legal result (runtime.md §13). */
  exit_code: 0 | 1;
  warnings: string[];
};

function tickReason(outcome: TickOutcome): string {
  if (outcome.kind === 'lanes') return outcome.stages.at(-1)?.decision.reason ?? 'lanes_running';
  return outcome.kind === 'idle' ? outcome.reason : outcome.decision.reason;
}

/** `run once`: startup, one tick, close (runtime.md §13). */
export async function runOnce(options: RunCommonOptions & Pick<DaemonControls, 'onReady'> & { listed?: ListedRuntimeRegistry }): Promise<RunOnceResult> {
  // One claim at most: read the queue through the persisted parse cache, as `status` does, not by parsing every file.
  // One tick: the ideas inbox is read once, never watched.
  const { engine, warnings } = await openRuntime({ ...options, claimListing: { persistParsed: true }, watchIdeas: false });
  // A stop request only matters between stages; one tick ends after its stage anyway. Abandon aborts the stage.
  options.onReady?.({ requestStop: (reason) => engine.requestStop(reason), abandon: () => engine.abandonCurrentStage() });
  let outcome: TickOutcome;
  try {
    await engine.startup();
    if (engine.lockTakeover) warnings.push(engine.lockTakeover.detail + '; taken over');
    outcome = await engine.tick();
  } finally {
    await engine.close();
  }
  const s = engine.snapshot;
  const failureClass = outcome.kind === 'stage' ? ((outcome.result.metadata.failure_class as string | null) ?? null) : null;
  const failed = outcome.kind === 'stage' && (outcome.result.result_class === 'recoverable_failure' || failureClass === 'runner_transport_failure' || failureClass === 'provider_failure');
  return {
    run_mode: 'once',
    active_mode_id: s.active_mode_id,
    mode_override: options.modeOverride,
    compiled_plan_id: s.compiled_plan_id,
    tick_reason: tickReason(outcome),
    stage: outcome.kind === 'stage' ? outcome.result.stage : null,
    terminal_result: outcome.kind === 'stage' ? outcome.result.terminal_result : null,
    failure_class: failureClass,
    notes: outcome.kind === 'stage' ? outcome.result.notes : [],
    exit_code: failed ? 1 : 0,
    warnings,
  };
}

export type RunDaemonResult = {
  run_mode: 'daemon';
  active_mode_id: string;
  mode_override: string | null;
  compiled_plan_id: string;
  ticks: number;
  stages_run: number;
  stopped: DaemonSummary['stopped'];
  interrupted: boolean;
  warnings: string[];
};

export type DaemonControls = {
  /** Called once the engine exists: lets the command wire signals (first = finish stage then stop, second = abandon). */
  onReady?: (controls: { requestStop(reason: string): void; abandon(): void }) => void;
  onTick?: (outcome: TickOutcome, tick: number) => void;
};

/** `run daemon`: startup, the tick loop, close (runtime.md §7.5, §13). */
export async function runDaemon(options: RunCommonOptions & { maxTicks?: number } & DaemonControls): Promise<RunDaemonResult> {
  // Claim after claim: watch the queue folders, so a claim re-reads only the files that changed since the last one.
  const { engine, warnings } = await openRuntime({ ...options, claimListing: { watchFolders: true, seedFromPersisted: true } });
  const wake = createWake();
  let interrupted = false;
  let stages = 0;
  options.onReady?.({
    requestStop(reason) {
      interrupted = true;
      engine.requestStop(reason);
      wake.wake();
    },
    abandon() {
      interrupted = true;
      engine.abandonCurrentStage();
      wake.wake();
    },
  });
  await engine.startup();
  if (engine.lockTakeover) warnings.push(engine.lockTakeover.detail + '; taken over');
  // The config in force: a reloaded [retention] applies from the next pass. The first pass (runs examined too) follows
  // the first tick, so the first stage does not wait for it.
  const retention = createDaemonRetention(engine.paths, () => engine.currentConfig.retention ?? RetentionConfigSchema.parse({}));
  const summary = await runDaemonLoop(
    engine,
    {
      maxTicks: options.maxTicks,
      idleSleepMs: () => engine.idleSleepMs,
      onTick: (outcome, tick) => {
        if (outcome.kind === 'stage') stages++;
        if (outcome.kind === 'lanes') stages += outcome.stages.length;
        options.onTick?.(outcome, tick);
      },
      betweenTicks: retention,
    },
    wake,
  );
  const s = engine.snapshot;
  return {
    run_mode: 'daemon',
    active_mode_id: s.active_mode_id,
    mode_override: options.modeOverride,
    compiled_plan_id: s.compiled_plan_id,
    ticks: summary.ticks,
    stages_run: stages,
    stopped: summary.stopped,
    interrupted,
    warnings,
  };
}

import type { Plane } from '@millrace/plugin-api';
import type { ActiveRunState, RecoveryCounters, RuntimeSnapshot, StageResultEnvelope } from '../contracts/runtime-state.js';
import type { WorkspacePaths } from '../workspace/paths.js';
import type { RouterDecision } from './decide/route.js';
import type { RuntimePlan } from './plan-view.js';

/**
 * Seams of the tick (runtime.md §4) that other modules plug into: the control mailbox, idea intake,
 * closure/completion behaviour and planning-result checks. Every step is optional; the engine runs a
 * no-op when a step is absent. Steps mutate `ctx.state` and persist through the services, never by
 * writing state files themselves.
 */
export type RuntimeState = {
  snapshot: RuntimeSnapshot;
  counters: RecoveryCounters;
};

export type StatusSource =
  | 'stage_started'
  | 'stage_completed'
  | 'router_idle'
  | 'closure_idle'
  | 'runtime_idle_reset'
  | 'retry_active'
  | 'runtime_recovery_blocked'
  | 'completion_behavior_blocked'
  | 'closure_repeated_remediation_guard';

export type TickStepContext = {
  paths: WorkspacePaths;
  plan: RuntimePlan;
  /** Validated runtime config (the foundation's config object). */
  config: unknown;
  state: RuntimeState;
  now(): Date;
  /** `run-<32 hex>` / `request-<32 hex>`. */
  newId(prefix: 'run' | 'request'): string;
  appendEvent(eventType: string, data: Record<string, unknown>): Promise<void>;
  /** Persist `state.snapshot` (atomic; validated when read back, not on every save). */
  saveSnapshot(): Promise<void>;
  /** Persist `state.counters` (atomic). */
  saveCounters(): Promise<void>;
  /** Write a plane status file + snapshot marker fields, then save (runtime.md §5.5). */
  setPlaneStatus(plane: Plane, marker: string, runId: string | null, source: StatusSource): Promise<void>;
  /** Reset the snapshot to idle (runtime.md §5.7) and write `### IDLE` to every status file. */
  resetToIdle(options: { processRunning: boolean; clearPause?: boolean; clearStop?: boolean }): Promise<void>;
  /** Refresh queue depths in memory (runtime.md §5.3). */
  refreshQueueDepths(): Promise<void>;
  /** Run later ticks on a freshly compiled plan (mailbox reload_config, control-and-inspection.md §2.6). */
  replacePlan?(plan: RuntimePlan): void;
  /** Use a freshly loaded config from now on (idle sleep, runner sections, watchers; mailbox reload_config). */
  replaceConfig?(config: unknown): void;
};

/** Tick step 1: apply every command in `state/mailbox/incoming/` (control-and-inspection.md §3). */
export type MailboxDrainStep = (ctx: TickStepContext) => Promise<void>;

/** Tick step 2: watcher intake, ideas -> specs (runtime.md §5.2). */
export type IntakeStep = (ctx: TickStepContext) => Promise<void>;

/** The open closure target that scopes claims (runtime.md §6.1), or null when none is open. */
export type ClaimScopeStep = (ctx: TickStepContext) => Promise<{ rootSpecId: string; deferredRootSpecIds: string[] } | null>;

/**
 * Runs right after a spec is claimed and before it is activated (routing.md §9.2). `refused` makes the
 * engine requeue the spec with reason `open closure target backpressure` and end the tick without a stage.
 */
export type SpecActivationStep = (ctx: TickStepContext, specId: string) => Promise<'allowed' | 'refused'>;

/** Tick step 10: nothing was claimed; may return an Arbiter closure run to install (routing.md §9.4). */
export type CompletionStep = (ctx: TickStepContext) => Promise<ActiveRunState | null>;

/** The closure-only request fields of an Arbiter request (routing.md §9.5). */
export type ClosureRequestFields = {
  closure_target_path: string;
  closure_target_root_spec_id: string;
  closure_target_root_idea_id: string;
  canonical_root_spec_path: string;
  canonical_seed_idea_path: string;
  preferred_rubric_path: string;
  preferred_verdict_path: string;
};
export type ClosureRequestStep = (ctx: TickStepContext, run: ActiveRunState) => Promise<ClosureRequestFields>;

/** Applies an Arbiter (closure_target) result instead of the work-item path (routing.md §9.8). */
export type ClosureResultStep = (ctx: TickStepContext, result: StageResultEnvelope, decision: RouterDecision) => Promise<void>;

/**
 * Runs after a planning-plane work-item result was applied (e.g. validate manager-written tasks, lineage
 * drift check after MANAGER_COMPLETE, routing.md §9.9).
 */
export type PostResultHook = (ctx: TickStepContext, result: StageResultEnvelope, decision: RouterDecision) => Promise<void>;

/**
 * Called right before a planning work-item stage runs; the returned function is called once the stage finished
 * (e.g. to record which queue documents the stage wrote, so lineage stamping never touches others).
 */
export type StageWatchStep = (ctx: TickStepContext, run: ActiveRunState) => Promise<() => Promise<void>>;

export type TickSteps = {
  drainMailbox?: MailboxDrainStep;
  intake?: IntakeStep;
  claimScope?: ClaimScopeStep;
  onSpecActivation?: SpecActivationStep;
  completion?: CompletionStep;
  closureRequest?: ClosureRequestStep;
  applyClosureResult?: ClosureResultStep;
  afterPlanningResult?: PostResultHook;
  watchPlanningStage?: StageWatchStep;
};

// Over 300 lines: the tick shell keeps startup, tick, claim and stage dispatch together so the order of effects (runtime.md §3-4) reads top to bottom.
import { randomBytes } from 'node:crypto';
import { relative } from 'node:path';
import type { Plane, RunnerActivity, RunnerRawResult, StageRunRequest, TokenUsage } from '@millrace/plugin-api';
import { usesLanes, type ExecutionConfig, type RetentionConfig, type UsageGovernanceConfig } from '../contracts/config.js';
import { budgetLimitsOf, evaluateItemBudgets } from '../contracts/usage-budgets.js';
import { IDLE_MARKER, PLANES, type ActiveRunState, type LaneState, type RuntimeSnapshot, type StageResultEnvelope } from '../contracts/runtime-state.js';
import { stageForKind } from '../contracts/stage-metadata.js';
import { isNoSpaceError, MillraceError } from '../errors/index.js';
import { readBaselineManifest } from '../workspace/init/baseline-manifest.js';
import type { WorkspacePaths } from '../workspace/paths.js';
import { createCountersWriter, readRecoveryCounters } from '../workspace/state/counters-store.js';
import { reapOrphanAgentGroups, type AgentGroupStore } from '../workspace/state/agent-groups.js';
import { appendRuntimeEvent } from '../workspace/state/events-log.js';
import { acquireLock, releaseLock, type LockAcquisition } from '../workspace/state/lock.js';
import { ensureRunDir, listFilesRecursive, writeStageResult } from '../workspace/state/run-dirs.js';
import { readSnapshot, saveOwnSnapshot } from '../workspace/state/snapshot-store.js';
import { escapingFolders } from '../workspace/state/state-inspection.js';
import { sweepStaleTemps } from '../workspace/state/temp-sweep.js';
import { retiredVersionsRemoved } from '../workspace/state/atomic-write.js';
import { readStatusFile, writeStatusFile } from '../workspace/state/status-files.js';
import { writeLaneStatusFile } from '../workspace/state/lane-status.js';
import { removeLiveActivity, writeLiveActivity } from '../workspace/state/live-activity.js';
import { readMarkerCandidates, readStructuredResult } from '../workspace/state/stage-output.js';
import { createThrottle } from './activity-throttle.js';
import { applyDecision } from './apply-result.js';
import { buildUsageRecord } from './decide/usage-record.js';
import { appendUsageRecord, readUsageLedger } from '../workspace/state/usage-ledger.js';
import type { UsagePrices, UsageRecord } from '../contracts/usage.js';
import { governancePausePayload, governUsage, itemBudgetDecision } from './decide/governance.js';
import { normalizeRunnerOutput } from './decide/normalize.js';
import { decideRoute, type RouterDecision } from './decide/route.js';
import { activeRuns, clearPlaneRun, idleSnapshot, installRun, projectOntoPlane, setPlaneMarker, withPlanIdentity, withQueueDepths } from './decide/snapshot-ops.js';
import type { RunnerDispatch, StallInfo } from './dispatch.js';
import type { MonitorSink } from './monitor.js';
import { entryNode, findNode, type PlanNode, type RuntimePlan } from './plan-view.js';
import type { QueuePort, QueuedItem } from './queue-port.js';
import { recoverPostStageError, reconcileState, repairOrphans, runtimeErrorFieldsFor } from './recovery.js';
import { buildStageRunRequest } from './request-builder.js';
import { createLocalLaneExecutor, type LaneExecutor } from './lanes/lane-executor.js';
import { laneView, mergeLaneView, migrateLanes } from './lanes/lane-ops.js';
import { LaneScheduler, type AppliedStage, type BeforeApply, type LaneHost } from './lanes/lane-scheduler.js';
import type { RuntimeState, StatusSource, TickStepContext, TickSteps } from './tick-steps.js';

export type RuntimeConfigView = {
  runtime: { run_style: 'once' | 'daemon'; idle_sleep_seconds: number };
  runners: Record<string, unknown> & { default_runner?: string };
  watchers?: { enabled?: boolean };
  stages?: Record<string, { stall_timeout_seconds?: number | null } | undefined>;
  execution?: ExecutionConfig;
  usage_prices?: UsagePrices;
  retention?: RetentionConfig;
  usage_governance?: UsageGovernanceConfig;
};

/** The snapshot's `watcher_mode` for a config. */
export const watcherModeOf = (config: RuntimeConfigView): 'off' | 'poll' => (config.watchers?.enabled === false ? 'off' : 'poll');

export type EngineOptions = {
  paths: WorkspacePaths;
  config: RuntimeConfigView;
  configVersion: string;
  /** Compile or load the plan; called after the lock is taken so a refused contender writes nothing. */
  loadPlan: () => Promise<RuntimePlan>;
  dispatch: RunnerDispatch;
  queue: QueuePort;
  steps?: TickSteps;
  monitor?: MonitorSink;
  now?: () => Date;
  /** The record of running stage agents' process groups that `dispatch` registers into. */
  agentGroups?: AgentGroupStore;
  /** Runs lane stages (docs/parallel.md); the local executor over `dispatch` when absent. */
  laneExecutor?: LaneExecutor;
};

/** Live runner activity reaches the monitor at most four times a second, its file (for `status`) once a second. */
const ACTIVITY_INTERVAL_MS = 250;
/**
 * The runtime's saves leave removing the old snapshot and status files to the thread pool (`replaceTextAtomic`): freeing
 * the old version inside the rename was most of a stage start's cost. `close` waits for those removals.
 */
const RETIRE_OLD = { retireOld: true } as const;
const LIVE_ACTIVITY_INTERVAL_MS = 1000;

export type IdleReason = 'no_work' | 'paused' | 'stop_requested' | 'missing_active_work_item_identity' | 'closure_backpressure' | 'interrupted';

export type TickOutcome =
  | { kind: 'idle'; reason: IdleReason }
  | { kind: 'stage'; request: StageRunRequest; result: StageResultEnvelope; stageResultPath: string; decision: RouterDecision }
  /** Lane mode: the stages this tick applied (lowest lane first) and how many lane stages still run. */
  | { kind: 'lanes'; stages: AppliedStage[]; running: number };

/**
 * The tick shell (runtime.md §4): reads the workspace, calls the pure decisions, applies them through the workspace
 * modules and appends events. One stage at a time per workspace.
 */
export class RuntimeEngine {
  readonly paths: WorkspacePaths;
  private readonly options: EngineOptions;
  private readonly now: () => Date;
  private plan: RuntimePlan | null = null;
  /** The config in force: the one loaded at open, replaced by an applied reload. */
  private config: RuntimeConfigView;
  private state: RuntimeState | null = null;
  private lock: LockAcquisition | null = null;
  private lastIdleReason: IdleReason | null = null;
  /** Markers set since the last save (written with it: a marker overwritten before then never hits the disk). */
  private readonly unsavedMarkers = new Map<Plane, string>();
  /**
   * An applied outcome whose save waits for the next one (a serial stage whose item goes on with its next stage: that
   * stage's start saves both). Until then status files and snapshot on disk still show the finished stage running.
   */
  private outcomeUnsaved = false;
  /** Whether this tick moved queue documents (the depths in the snapshot need a refresh). */
  private queueMoved = false;
  private stopReason: string | null = null;
  /** Aborted when the operator wants the running stage abandoned (second Ctrl-C). */
  private readonly abort = new AbortController();
  /** Execution lanes (docs/parallel.md); null in the serial runtime (`max_parallel = 1`, no worktree isolation). */
  private lanes: LaneScheduler | null = null;
  /** While a lane's stage is started or applied: the lane, the real snapshot around it and the lane's marker. */
  private view: { lane: LaneState; real: RuntimeSnapshot; marker: string; withPlanning: boolean } | null = null;
  private readonly unsavedLaneMarkers = new Map<number, string>();
  /** The usage ledger, read when governance first needs it and then kept current by this runtime's own appends. */
  private ledger: UsageRecord[] | null = null;
  /** When this runtime (daemon session) started: the start of `daemon_session` budgets. */
  private sessionStart: Date | null = null;
  /** The startup sweep of stale temp files, running beside the start and the first stage. */
  private sweeping: Promise<void> = Promise.resolve();
  /**
   * Plan nodes a stage request passed the schema for: the next requests of a node skip the parse (a fifth of a
   * millisecond a stage); a new plan (reload) brings new nodes, checked again.
   */
  private readonly validatedNodes = new WeakSet<PlanNode>();
  /** Writes `recovery_counters.json`, skipping content it already wrote there. */
  private readonly writeCounters: ReturnType<typeof createCountersWriter>;

  constructor(options: EngineOptions) {
    this.options = options;
    this.paths = options.paths;
    this.now = options.now ?? (() => new Date());
    this.config = options.config;
    this.writeCounters = createCountersWriter(options.paths);
  }

  /** The runtime config in force (a daemon's reload replaces it). */
  get currentConfig(): RuntimeConfigView {
    return this.config;
  }

  /** The daemon's idle sleep from the config in force. */
  get idleSleepMs(): number {
    return Math.round(this.config.runtime.idle_sleep_seconds * 1000);
  }

  get snapshot(): RuntimeSnapshot {
    return this.requireState().snapshot;
  }

  get lockTakeover(): LockAcquisition['takenOver'] {
    return this.lock?.takenOver ?? null;
  }

  /** Ask for a clean stop at the next stop gate (after the running stage, if any, is applied). */
  requestStop(reason: string): void {
    this.stopReason ??= reason;
    this.lanes?.pool.wake();
  }

  /** Abandon the running stage now: the runner is aborted and the item is requeued. */
  abandonCurrentStage(): void {
    this.stopReason ??= 'interrupted';
    this.abort.abort();
    this.lanes?.pool.wake();
  }

  /** How many lane stages are running (0 in the serial runtime). */
  get runningLaneStages(): number {
    return this.lanes?.running ?? 0;
  }

  get stopPending(): boolean {
    return this.stopReason !== null || (this.state?.snapshot.stop_requested ?? false);
  }

  private requireState(): RuntimeState {
    if (!this.state) throw new Error('runtime engine is not started');
    return this.state;
  }

  private requirePlan(): RuntimePlan {
    if (!this.plan) throw new Error('runtime engine is not started');
    return this.plan;
  }

  private event(type: string, data: Record<string, unknown>): Promise<unknown> {
    return appendRuntimeEvent(this.paths, type, data, this.now());
  }

  private monitor(type: string, payload: Record<string, unknown>): void {
    this.options.monitor?.({ event_type: type, occurred_at: this.now(), payload });
  }

  /** Writes status files whose marker changed since the last save, then the snapshot. */
  private async save(): Promise<void> {
    const state = this.requireState();
    this.outcomeUnsaved = false;
    for (const [plane, marker] of this.unsavedMarkers) await writeStatusFile(this.paths, plane, marker, RETIRE_OLD);
    this.unsavedMarkers.clear();
    for (const [lane, marker] of this.unsavedLaneMarkers) await writeLaneStatusFile(this.paths, lane, marker, RETIRE_OLD);
    this.unsavedLaneMarkers.clear();
    state.snapshot = { ...state.snapshot, updated_at: this.now().toISOString() };
    const view = this.view;
    await saveOwnSnapshot(this.paths, view ? mergeLaneView(view.real, state.snapshot, view.lane, view.marker, view.withPlanning) : state.snapshot);
  }

  private async saveCounters(): Promise<void> {
    await this.writeCounters(this.requireState().counters);
  }

  /** Set a plane's marker in memory; its status file is written by the next save. */
  private markPlane(plane: Plane, marker: string, runId: string | null, source: StatusSource): void {
    const state = this.requireState();
    if (this.view && plane === 'execution') {
      const previous = this.view.marker;
      this.view.marker = marker;
      this.unsavedLaneMarkers.set(this.view.lane.lane, marker);
      if (previous !== marker) this.monitor('status_marker_changed', { plane, lane: this.view.lane.lane, run_id: runId, previous_marker: previous, current_marker: marker, source });
      return;
    }
    const previous = state.snapshot.status_markers_by_plane[plane] ?? null;
    state.snapshot = setPlaneMarker(state.snapshot, plane, marker, this.now());
    this.unsavedMarkers.set(plane, marker);
    if (previous !== marker) this.monitor('status_marker_changed', { plane, run_id: runId, previous_marker: previous, current_marker: marker, source });
  }

  private async setPlaneStatus(plane: Plane, marker: string, runId: string | null, source: StatusSource): Promise<void> {
    this.markPlane(plane, marker, runId, source);
    await this.save();
  }

  private async resetToIdle(options: { processRunning: boolean; clearPause?: boolean; clearStop?: boolean }): Promise<void> {
    const state = this.requireState();
    state.snapshot = idleSnapshot(state.snapshot, options, this.now());
    for (const plane of PLANES) this.unsavedMarkers.set(plane, IDLE_MARKER);
    await this.save();
  }

  private async refreshQueueDepths(): Promise<void> {
    const state = this.requireState();
    state.snapshot = withQueueDepths(state.snapshot, await this.options.queue.depths(), this.now());
  }

  /** The services handed to tick steps and the apply/recovery modules. */
  context(): TickStepContext {
    return {
      paths: this.paths,
      plan: this.requirePlan(),
      config: this.config,
      state: this.requireState(),
      now: this.now,
      newId: (prefix) => `${prefix}-${randomBytes(16).toString('hex')}`,
      appendEvent: async (type, data) => {
        await this.event(type, data);
      },
      saveSnapshot: () => this.save(),
      saveCounters: () => this.saveCounters(),
      setPlaneStatus: (plane, marker, runId, source) => this.setPlaneStatus(plane, marker, runId, source),
      resetToIdle: (options) => this.resetToIdle(options),
      refreshQueueDepths: () => this.refreshQueueDepths(),
      replacePlan: (plan) => {
        this.plan = plan;
      },
      replaceConfig: (config) => {
        this.config = config as RuntimeConfigView;
      },
    };
  }

  /** runtime.md §3.1: lock, plan, state, orphan repair + reconciliation, snapshot, `runtime_started`. */
  async startup(): Promise<void> {
    const [escaping] = await escapingFolders(this.paths);
    if (escaping) {
      const file = relative(this.paths.workspaceRoot, escaping.path);
      throw new MillraceError('WORKSPACE_STATE_INVALID', `${file}: ${escaping.reason}`, { file, hint: 'replace the link by a real folder inside the workspace; `millrace doctor` lists every such folder' });
    }
    try {
      this.lock = await acquireLock(this.paths, this.now());
      this.sessionStart = this.now();
    } catch (error) {
      // Best effort: the refusal (or a full disk) is the error to report, not a failed log line.
      await this.event('runtime_daemon_lock_denied', { reason: (error as Error).message }).catch(() => undefined);
      throw error;
    }
    try {
      await this.event('runtime_daemon_lock_acquired', { session_id: this.lock.record.owner_session_id });
      const taken = this.lock.takenOver;
      if (taken?.record) {
        await this.event('runtime_daemon_lock_stale_taken_over', { previous_pid: taken.record.owner_pid, previous_host: taken.record.owner_hostname, previous_session_id: taken.record.owner_session_id, detail: taken.detail });
      }
      // Before any recovery: an agent its dead daemon left running must not work on an item a new stage gets.
      const reaped = await reapOrphanAgentGroups(this.paths);
      if (reaped.problem) await this.event('runtime_agent_groups_unreadable', { problem: reaped.problem });
      for (const group of reaped.ended) await this.event('runtime_orphan_agent_group_ended', { ...group });
      // Beside the rest of the start and the first stage (it only removes dead writers' files); finished before the
      // lock is released (close, or a failed start).
      this.sweeping = sweepStaleTemps(this.paths, this.now()).then(
        () => undefined,
        () => undefined,
      );
      this.plan = await this.options.loadPlan();
      const snapshot = await readSnapshot(this.paths);
      const counters = await readRecoveryCounters(this.paths);
      // A snapshot still saying `process_running: true` was left by an owner that died mid-stage: its active stage
      // is stale (reconciled below). A cleanly closed runtime (false) stopped between stages and resumes as is.
      const execution = this.options.config.execution;
      const lanesOn = execution !== undefined && usesLanes(execution);
      this.state = { snapshot: migrateLanes({ ...snapshot, process_running: !snapshot.process_running }, lanesOn, IDLE_MARKER), counters };
      if (lanesOn) this.lanes = new LaneScheduler(this.laneHost(), execution, this.options.laneExecutor ?? (await createLocalLaneExecutor(this.paths, execution, (request, signal, cwd) => this.dispatchStage(request, signal, cwd))));
      const ctx = this.context();
      await repairOrphans(ctx, this.options.queue);
      await this.lanes?.reconcileLanes();
      await reconcileState(ctx, await this.statusMarkers());
      const plan = this.requirePlan();
      await this.refreshQueueDepths();
      this.state.snapshot = {
        ...withPlanIdentity(this.state.snapshot, plan),
        runtime_mode: this.config.runtime.run_style,
        process_running: true,
        compiled_plan_path: 'millrace-agents/state/compiled_plan.json',
        config_version: this.options.configVersion,
        watcher_mode: watcherModeOf(this.config),
        last_reload_outcome: null,
        last_reload_error: null,
      };
      await this.save();
      await this.event('runtime_started', { mode_id: plan.mode_id, compiled_plan_id: plan.compiled_plan_id, process_running: true });
      const s = this.state.snapshot;
      const baseline = await readBaselineIdentity(this.paths);
      this.monitor('runtime_started', {
        mode_id: plan.mode_id,
        compiled_plan_id: plan.compiled_plan_id,
        compiled_plan_currentness: 'current',
        baseline_manifest_id: baseline?.manifest_id ?? null,
        baseline_seed_package_version: baseline?.seed_package_version ?? null,
        concurrency_policy: null,
        scheduler_mode: 'serial',
        loop_ids_by_plane: plan.loop_ids_by_plane,
        status_markers_by_plane: s.status_markers_by_plane,
        queue_depths_by_plane: s.queue_depths_by_plane,
      });
      if (s.active_stage && s.active_run_id) {
        this.monitor('runtime_resumed_active_run', { active_plane: s.active_plane, active_stage: s.active_stage, active_node_id: s.active_node_id, active_run_id: s.active_run_id });
      }
    } catch (error) {
      await this.sweeping;
      await retiredVersionsRemoved();
      await releaseLock(this.paths, this.lock.record.owner_session_id).catch(() => undefined);
      this.lock = null;
      throw error;
    }
  }

  /** The plane status files as reconciliation reads them; a marker set but not yet saved is read as written. */
  private async statusMarkers(): Promise<{ execution: string | undefined; planning: string | undefined }> {
    const marker = async (plane: 'execution' | 'planning') => {
      const unsaved = this.unsavedMarkers.get(plane);
      return unsaved === undefined ? readStatusFile(this.paths, plane) : `${unsaved}\n`;
    };
    return { execution: await marker('execution'), planning: await marker('planning') };
  }

  /** runtime.md §3.2: mark not running, release our own lock. Active runs stay (a later startup recovers them). */
  async close(): Promise<void> {
    if (this.lanes && this.state) await this.drainLanes();
    try {
      if (this.state?.snapshot.process_running) {
        this.state.snapshot = { ...this.state.snapshot, process_running: false };
        await this.save();
        const plan = this.requirePlan();
        await this.event('runtime_closed', { mode_id: plan.mode_id, compiled_plan_id: plan.compiled_plan_id, process_running: false });
      } else if (this.outcomeUnsaved) {
        await this.save();
      }
    } finally {
      await this.sweeping;
      await retiredVersionsRemoved();
      // Released even when the last save failed (a full disk): removing a file needs no space.
      if (this.lock) {
        const id = this.lock.record.owner_session_id;
        this.lock = null;
        if (await releaseLock(this.paths, id)) await this.event('runtime_daemon_lock_released', { session_id: id }).catch(() => undefined);
      }
    }
  }

  /** Idle outcomes append their event only when the idle reason changes, so an idle daemon never floods the log. */
  private async idle(reason: IdleReason, eventType: string): Promise<TickOutcome> {
    await this.save();
    if (this.lastIdleReason !== reason) {
      await this.event(eventType, reason === 'no_work' || reason === 'paused' || reason === 'stop_requested' ? {} : { reason });
      const snapshot = this.requireState().snapshot;
      this.monitor(reason === 'paused' ? 'runtime_paused' : reason === 'stop_requested' ? 'runtime_stopped' : 'runtime_idle', {
        reason,
        queue_depths_by_plane: snapshot.queue_depths_by_plane,
        pause_sources: snapshot.pause_sources,
        ...(snapshot.pause_sources.includes('usage_governance') ? { usage_governance: governancePausePayload(snapshot, this.config.usage_governance) } : {}),
      });
    }
    this.lastIdleReason = reason;
    return { kind: 'idle', reason };
  }

  /**
   * The stop gate. Between stages (a mailbox `stop`, the first SIGINT/SIGTERM once the running stage was applied) the
   * active runs stay where they are and the runtime closes cleanly: the next start continues each item with the next
   * stage of the compiled plan, so finished stage work is never thrown away. An abandoned stage (`requeue`) sends its
   * item back to the queue instead. The operator's pause survives either way; only `resume` clears it.
   */
  private async stopCleanly(options: { requeue: boolean } = { requeue: false }): Promise<TickOutcome> {
    if (this.lanes) await this.drainLanes();
    const ctx = this.context();
    const state = this.requireState();
    if (options.requeue) {
      for (const item of await this.options.queue.listActive()) {
        await this.options.queue.requeue(item.kind, item.id, `runtime stopped: ${this.stopReason ?? 'stop requested'}`, this.now()).catch(() => undefined);
        state.counters = { ...state.counters, entries: state.counters.entries.filter((e) => !(e.work_item_kind === item.kind && e.work_item_id === item.id)) };
      }
      await this.saveCounters();
      await ctx.resetToIdle({ processRunning: false, clearStop: true });
    } else {
      state.snapshot = { ...state.snapshot, stop_requested: false };
    }
    await this.refreshQueueDepths();
    this.lastIdleReason = null;
    const outcome = await this.idle('stop_requested', 'runtime_tick_stopped');
    await this.close();
    return outcome;
  }

  /** Stale-state clear (runtime.md §5.8): requeue every active item, drop counters, reset to idle. */
  private async clearStaleActiveState(): Promise<void> {
    const state = this.requireState();
    for (const item of await this.options.queue.listActive()) {
      await this.options.queue.requeue(item.kind, item.id, 'stale active state cleared: missing_active_work_item_identity', this.now()).catch(() => undefined);
    }
    state.counters = { ...state.counters, entries: [] };
    await this.saveCounters();
    await this.context().resetToIdle({ processRunning: true });
    await this.refreshQueueDepths();
  }

  /** One serial tick (runtime.md §4): at most one stage. */
  async tick(): Promise<TickOutcome> {
    if (!this.state) await this.startup();
    const state = this.requireState();
    const ctx = this.context();
    const steps = this.options.steps ?? {};
    await steps.drainMailbox?.(ctx);
    await steps.intake?.(ctx);
    await this.refreshQueueDepths();
    if (state.snapshot.stop_requested || this.stopReason !== null) return this.stopCleanly({ requeue: this.lanes !== null && this.abort.signal.aborted });
    const applied = (await this.lanes?.applyFinished()) ?? [];
    await this.governUsage();
    if (state.snapshot.paused) return applied.length > 0 ? this.lanesOutcome(applied) : this.idle('paused', 'runtime_tick_paused');
    await reconcileState(ctx, await this.statusMarkers());
    state.snapshot = { ...state.snapshot, process_running: true };
    if (hasActiveStageWithoutIdentity(state.snapshot)) {
      // runtime.md §4 step 11: an (old-style) active stage that names no work item cannot be resumed.
      await this.event('runtime_tick_invalid_active_state', { reason: 'missing_active_work_item_identity' });
      await this.clearStaleActiveState();
      return this.idle('missing_active_work_item_identity', 'runtime_tick_idle');
    }
    if (this.lanes) return this.laneTick(ctx, this.lanes, applied);

    if (activeRuns(state.snapshot).length === 0) {
      const claimed = await this.claim(ctx);
      if (claimed === 'backpressure') return this.idle('closure_backpressure', 'runtime_tick_idle');
    }
    if (activeRuns(state.snapshot).length === 0) {
      const closureRun = (await steps.completion?.(ctx)) ?? null;
      if (closureRun) state.snapshot = installRun(state.snapshot, closureRun, this.now());
    }
    const run = activeRuns(state.snapshot)[0];
    if (!run) return this.idle('no_work', 'runtime_tick_idle');
    if (run.request_kind !== 'closure_target' && (run.work_item_kind === null || run.work_item_id === null)) {
      await this.event('runtime_tick_invalid_active_state', { reason: 'missing_active_work_item_identity' });
      state.snapshot = clearPlaneRun(state.snapshot, run.plane, null, this.now());
      return this.idle('missing_active_work_item_identity', 'runtime_tick_idle');
    }
    this.lastIdleReason = null;
    return this.runStage(ctx, run);
  }

  private async claim(ctx: TickStepContext, families: ReadonlyArray<'planning' | 'execution'> = ['planning', 'execution']): Promise<'claimed' | 'none' | 'backpressure'> {
    const steps = this.options.steps ?? {};
    const state = this.requireState();
    const scope = (await steps.claimScope?.(ctx)) ?? null;
    if (scope && scope.deferredRootSpecIds.length > 0) {
      await this.event('closure_target_backpressure', { open_root_spec_id: scope.rootSpecId, deferred_root_spec_ids: scope.deferredRootSpecIds, reason: 'open_closure_target' });
    }
    const order: Array<'planning' | 'execution'> = scope ? ['execution', 'planning'] : ['planning', 'execution'];
    for (const family of order) {
      if (!families.includes(family)) continue;
      const item = await this.options.queue.claimNext(family, scope?.rootSpecId ?? null, this.now());
      if (!item) continue;
      if (item.kind === 'spec' && steps.onSpecActivation && (await steps.onSpecActivation(ctx, item.id)) === 'refused') {
        await this.options.queue.requeue('spec', item.id, 'open closure target backpressure', this.now());
        return 'backpressure';
      }
      // Saved with the running marker before dispatch; a crash before that leaves an orphan in active/, which
      // startup requeues.
      state.snapshot = installRun(state.snapshot, this.activation(item), this.now());
      this.queueMoved = true;
      return 'claimed';
    }
    return 'none';
  }

  private activation(item: QueuedItem): ActiveRunState {
    const plane: Plane = item.kind === 'task' ? 'execution' : 'planning';
    const entry = entryNode(this.requirePlan(), plane, item.kind);
    if (!entry) throw new Error(`compiled ${plane} graph has no entry for ${item.kind}`);
    return {
      plane,
      stage: stageForKind(entry.stage_kind_id),
      node_id: entry.node_id,
      stage_kind_id: entry.stage_kind_id,
      run_id: `run-${randomBytes(16).toString('hex')}`,
      request_kind: 'active_work_item',
      work_item_kind: item.kind,
      work_item_id: item.id,
      closure_target_root_spec_id: null,
      closure_target_root_idea_id: null,
      active_since: this.now().toISOString(),
      running_status_marker: null,
    };
  }

  private async buildRequest(ctx: TickStepContext, run: ActiveRunState): Promise<StageRunRequest> {
    const plan = this.requirePlan();
    const node = findNode(plan, run.plane, run.node_id, run.stage_kind_id);
    if (!node) throw new Error(`compiled ${run.plane} graph has no node ${run.node_id}`);
    const closure = run.request_kind === 'closure_target' ? await this.options.steps?.closureRequest?.(ctx, run) : null;
    if (run.request_kind === 'closure_target' && !closure) throw new Error('closure target request needs the closure step');
    const inputs = {
      paths: this.paths,
      node,
      run,
      requestId: ctx.newId('request'),
      modeId: this.snapshot.active_mode_id,
      compiledPlanId: this.snapshot.compiled_plan_id,
      workItemPath: run.work_item_kind && run.work_item_id && run.work_item_kind !== 'learning_request' ? this.options.queue.activePath(run.work_item_kind, run.work_item_id) : null,
      closure: closure ?? null,
      runtimeError: await runtimeErrorFieldsFor(ctx, run),
      defaultRunner: typeof this.config.runners.default_runner === 'string' ? this.config.runners.default_runner : null,
    };
    const request = buildStageRunRequest(inputs, { validate: !this.validatedNodes.has(node) });
    this.validatedNodes.add(node);
    const state = this.requireState();
    // Saved together with the running marker, right after this.
    state.snapshot = { ...state.snapshot, active_run_id: state.snapshot.active_plane === run.plane ? request.run_id : state.snapshot.active_run_id };
    return request;
  }

  /** Build the request, mark the plane running and announce the stage; the caller dispatches it. */
  private async startStage(ctx: TickStepContext, run: ActiveRunState): Promise<StageRunRequest> {
    const request = await this.buildRequest(ctx, run);
    await ensureRunDir(this.paths, run.run_id);
    const runningMarker = `### ${request.running_status_marker.replace(/^###\s*/, '')}`;
    await this.setPlaneStatus(run.plane, runningMarker, run.run_id, 'stage_started');
    const startedData = {
      request_id: request.request_id,
      stage: run.stage,
      node_id: run.node_id,
      stage_kind_id: run.stage_kind_id,
      plane: run.plane,
      run_id: run.run_id,
      work_item_kind: run.request_kind === 'closure_target' ? null : run.work_item_kind,
      work_item_id: run.request_kind === 'closure_target' ? null : run.work_item_id,
      troubleshoot_report_path: request.preferred_troubleshoot_report_path ? this.rel(request.preferred_troubleshoot_report_path) : null,
    };
    await this.event('stage_started', this.view ? { ...startedData, lane: this.view.lane.lane } : startedData);
    this.monitor('stage_started', { ...startedData, status_marker: runningMarker, timeout_seconds: request.timeout_seconds, runner_name: request.runner_name, model_name: request.model_name, ...(this.view ? { lane: this.view.lane.lane } : {}) });
    return request;
  }

  /** Dispatch a started stage to its runner, relaying its activity and stall; `cwd` is a lane's working directory. */
  private async dispatchStage(request: StageRunRequest, signal: AbortSignal, cwd?: string): Promise<RunnerRawResult> {
    const workItemId = request.request_kind === 'closure_target' ? null : request.active_work_item_id;
    const lane = this.state?.snapshot.execution_lanes?.find((l) => l.run.run_id === request.run_id)?.lane;
    const where = lane !== undefined ? { lane } : {};
    const activity = createThrottle<RunnerActivity>((a) => this.monitor('runner_activity', { plane: request.plane, ...where, stage: request.stage, run_id: request.run_id, work_item_id: workItemId, ...a }), ACTIVITY_INTERVAL_MS);
    const live = this.liveActivityWriter(request, workItemId);
    let stalled: StallInfo | null = null;
    const raw = await this.options
      .dispatch(request, signal, { onActivity: (a) => (activity.push(a), live.push(a)), onStalled: (info) => (stalled = info), ...(cwd ? { cwd } : {}) })
      .finally(async () => {
        activity.close();
        await live.close();
        await this.options.agentGroups?.finishRun(request.run_id);
      });
    if (stalled) {
      const data = { request_id: request.request_id, run_id: request.run_id, plane: request.plane, ...where, stage: request.stage, ...(stalled as StallInfo) };
      await this.event('runner_stalled', data);
      this.monitor('runner_stalled', data);
    }
    return raw;
  }

  /**
   * Keeps `runs/<run>/live_activity.json` (what `status` shows of a running stage) at most once a second; the runner's
   * latest cumulative usage is kept even when later activity carries none. Removed when the stage ends, so a later
   * stage of the run (the same stage again after a fix) never shows the earlier one's activity. A failed write or
   * removal never affects the stage.
   */
  private liveActivityWriter(request: StageRunRequest, workItemId: string | null): { push(a: RunnerActivity): void; close(): Promise<void> } {
    let usage: TokenUsage | null = null;
    let writes: Promise<void> | null = null;
    const throttle = createThrottle<RunnerActivity>((a) => {
      const record = { schema_version: '1.0' as const, kind: 'live_activity' as const, run_id: request.run_id, request_id: request.request_id, plane: request.plane, stage: request.stage, work_item_id: workItemId, last_activity_at: a.at, last_activity_kind: a.kind, last_activity: a.text, token_usage: usage };
      writes = (writes ?? Promise.resolve()).then(() => writeLiveActivity(this.paths, record)).catch(() => undefined);
    }, LIVE_ACTIVITY_INTERVAL_MS);
    const paths = this.paths;
    return {
      push(a) {
        if (a.usage) usage = a.usage;
        throttle.push(a);
      },
      async close() {
        throttle.close();
        if (writes === null) return;
        await writes;
        try {
          removeLiveActivity(paths, request.run_id);
        } catch {
          // a leftover record names its stage; status shows it only while a stage of that name runs
        }
      },
    };
  }

  private async runStage(ctx: TickStepContext, run: ActiveRunState): Promise<TickOutcome> {
    const request = await this.startStage(ctx, run);
    const watchPlanning = this.options.steps?.watchPlanningStage;
    const stageWritten = run.plane === 'planning' && run.request_kind === 'active_work_item' && watchPlanning ? await watchPlanning(ctx, run) : null;
    const raw = await this.dispatchStage(request, this.abort.signal);
    await stageWritten?.();
    if (raw.exit_kind === 'interrupted' && this.abort.signal.aborted) {
      // Abandoned by the operator: nothing is routed or counted; the stop gate requeues the item.
      await this.event('stage_abandoned', { request_id: request.request_id, run_id: run.run_id, plane: run.plane, stage: run.stage });
      await this.stopCleanly({ requeue: true });
      return { kind: 'idle', reason: 'interrupted' };
    }
    return this.completeStage(ctx, request, raw);
  }

  /** Normalize, route and apply a stage's raw result (runtime.md §4 steps 17-20). */
  private async completeStage(ctx: TickStepContext, request: StageRunRequest, raw: Awaited<ReturnType<RunnerDispatch>>, beforeApply?: BeforeApply): Promise<AppliedStage> {
    const state = this.requireState();
    let result = normalizeRunnerOutput(raw, request, {
      stdoutText: raw.stdout_path ? await readMarkerCandidates(raw.stdout_path) : undefined,
      structuredText: raw.terminal_result_path ? readStructuredResult(raw.terminal_result_path) : undefined,
      runDirFiles: await listFilesRecursive(request.run_dir),
    });
    // The run record names its lane, so `runs` and `logs` can tell lanes apart.
    if (this.view) result = { ...result, metadata: { ...result.metadata, lane: this.view.lane.lane } };

    let stageResultPath = '';
    let decision: RouterDecision | null = null;
    try {
      stageResultPath = await writeStageResult(this.paths, request.request_id, result);
      const record = buildUsageRecord(result, raw, this.config.usage_prices ?? {}, this.now(), this.view?.lane.lane ?? null);
      appendUsageRecord(this.paths, record);
      this.ledger?.push(record);
      decision = decideRoute({ plan: this.requirePlan(), snapshot: projectOntoPlane(state.snapshot, result.plane), result, counters: state.counters });
      decision = await this.applyItemBudgets(result, decision);
      this.markPlane(result.plane, result.summary_status_marker, result.run_id, 'stage_completed');
      if (beforeApply) ({ result, decision } = await beforeApply(result, decision));
      // One save for the whole outcome (below): queue moves and counters are written as they happen, and a crash
      // before the save is repaired at startup like any other half-applied transition.
      const applying: TickStepContext = {
        ...ctx,
        saveSnapshot: async () => undefined,
        setPlaneStatus: async (plane, marker, runId, source) => this.markPlane(plane, marker, runId, source),
      };
      await applyDecision(applying, this.options.queue, this.options.steps ?? {}, result, decision);
      if (decision.action !== 'run_stage') this.queueMoved = true;
    } catch (error) {
      // A full disk is not the stage's fault: stop here (the item stays where it is) instead of routing to a repair stage.
      if (isNoSpaceError(error)) throw error;
      const recovery = await recoverPostStageError(ctx, { result, decision, stageResultPath: stageResultPath || null, error });
      return { kind: 'stage', request, result, stageResultPath, decision: recovery };
    }
    if (this.queueMoved) {
      state.snapshot = withQueueDepths(state.snapshot, await this.options.queue.depths(), this.now(), false);
      this.queueMoved = false;
    }
    state.snapshot = { ...state.snapshot, last_terminal_result: result.terminal_result, last_stage_result_path: this.rel(stageResultPath) };
    if (this.continuesSerially(result, decision)) this.outcomeUnsaved = true;
    else await this.save();
    const troubleshoot = result.report_artifact ?? request.preferred_troubleshoot_report_path;
    const common = {
      plane: result.plane,
      ...(this.view ? { lane: this.view.lane.lane } : {}),
      run_id: result.run_id,
      work_item_kind: result.metadata.request_kind === 'closure_target' ? null : result.work_item_kind,
      work_item_id: result.metadata.request_kind === 'closure_target' ? null : result.work_item_id,
      stage: result.stage,
      node_id: result.node_id,
      stage_kind_id: result.stage_kind_id,
      terminal_result: result.terminal_result,
      failure_class: (result.metadata.failure_class as string | null) ?? null,
      troubleshoot_report_path: troubleshoot ? this.rel(troubleshoot) : null,
    };
    await this.event('stage_completed', { request_id: request.request_id, ...common });
    this.monitor('stage_completed', {
      ...common,
      summary_status_marker: result.summary_status_marker,
      started_at: result.started_at,
      completed_at: result.completed_at,
      duration_seconds: result.duration_seconds,
      token_usage: result.token_usage,
    });
    const decisionData = {
      action: decision.action,
      ...common,
      failure_class: decision.failure_class,
      next_stage: decision.next_stage,
      next_node_id: decision.next_node_id,
      next_stage_kind_id: decision.next_stage_kind_id,
      reason: decision.reason,
    };
    await this.event('router_decision', decisionData);
    this.monitor('router_decision', decisionData);
    return { kind: 'stage', request, result, stageResultPath, decision };
  }

  /**
   * Whether this outcome's save can wait for the next save: the start of the item's next stage a few milliseconds
   * later, or the idle, pause or stop save that comes instead (close saves too). Only for a serial work item whose run
   * goes on with another stage (`run_stage`, same run id and item): the queue did not move, so a crash in between
   * leaves exactly what a crash just before this save leaves (the finished stage still recorded as running, counters
   * already written), which start-up recovers as any stale active stage. Two file replacements fewer for most stages;
   * an outcome that moves, blocks or finishes an item is saved at once.
   */
  private continuesSerially(result: StageResultEnvelope, decision: RouterDecision): boolean {
    if (this.lanes || this.view || decision.action !== 'run_stage' || result.metadata.request_kind === 'closure_target') return false;
    return this.requireState().snapshot.active_runs_by_plane[result.plane]?.run_id === result.run_id;
  }

  private async usageLedger(): Promise<UsageRecord[]> {
    this.ledger ??= await readUsageLedger(this.paths);
    return this.ledger;
  }

  /** Between stages: pause on a reached budget, lift the pause once the limits reset (docs/observability.md, Budgets). */
  private async governUsage(): Promise<void> {
    const governance = this.config.usage_governance;
    const state = this.requireState();
    if (!governance?.enabled && !state.snapshot.pause_sources.includes('usage_governance') && state.snapshot.usage_governance.overridden_limit_ids.length === 0) return;
    const records = governance?.enabled ? await this.usageLedger() : [];
    const outcome = governUsage(state.snapshot, governance, records, this.now(), this.sessionStart);
    if (!outcome.changed) return;
    state.snapshot = outcome.snapshot;
    await this.save();
    if (outcome.event) {
      await this.event(outcome.event.type, outcome.event.data);
      this.monitor(outcome.event.type, outcome.event.data);
      this.lastIdleReason = null;
    }
  }

  /** A work item that reached a per-item budget is blocked instead of running another stage; other items go on. */
  private async applyItemBudgets(result: StageResultEnvelope, decision: RouterDecision): Promise<RouterDecision> {
    const governance = this.config.usage_governance;
    if (!governance?.enabled || decision.action !== 'run_stage' || result.metadata.request_kind === 'closure_target') return decision;
    const limits = budgetLimitsOf(governance).filter((l) => l.window === 'per_item');
    if (limits.length === 0) return decision;
    const reached = evaluateItemBudgets(await this.usageLedger(), limits, { kind: result.work_item_kind, id: result.work_item_id }).filter((s) => s.reached);
    const blocked = itemBudgetDecision(decision, reached);
    if (blocked === decision) return decision;
    const data = { plane: result.plane, run_id: result.run_id, work_item_kind: result.work_item_kind, work_item_id: result.work_item_id, stage: result.stage, limits: reached, reason: blocked.reason };
    await this.event('usage_budget_item_blocked', data);
    this.monitor('usage_budget_item_blocked', data);
    return blocked;
  }

  /** Lane mode (docs/parallel.md): planning stays serial in the tick while execution lanes run beside it. */
  private async laneTick(ctx: TickStepContext, lanes: LaneScheduler, applied: AppliedStage[]): Promise<TickOutcome> {
    const state = this.requireState();
    const steps = this.options.steps ?? {};
    const scope = (await steps.claimScope?.(ctx)) ?? null;
    if (!state.snapshot.active_runs_by_plane.planning && (await this.claim(ctx, ['planning'])) === 'backpressure') {
      await lanes.fill(scope?.rootSpecId ?? null);
      return applied.length > 0 ? this.lanesOutcome(applied) : this.idle('closure_backpressure', 'runtime_tick_idle');
    }
    await lanes.fill(scope?.rootSpecId ?? null);
    const planning = state.snapshot.active_runs_by_plane.planning;
    if (planning) {
      this.lastIdleReason = null;
      const outcome = await this.runStage(ctx, planning);
      return outcome.kind === 'stage' ? this.lanesOutcome([...applied, outcome]) : outcome;
    }
    if (lanes.running > 0) {
      this.lastIdleReason = null;
      await lanes.pool.waitAny(Math.max(50, Math.round(this.options.config.runtime.idle_sleep_seconds * 1000)));
      if (this.stopPending) return this.lanesOutcome(applied);
      applied.push(...(await lanes.applyFinished()));
      await lanes.fill(scope?.rootSpecId ?? null);
      return this.lanesOutcome(applied);
    }
    if ((state.snapshot.execution_lanes ?? []).length === 0) {
      const closureRun = (await steps.completion?.(ctx)) ?? null;
      if (closureRun) {
        state.snapshot = installRun(state.snapshot, closureRun, this.now());
        this.lastIdleReason = null;
        return this.runStage(ctx, closureRun);
      }
    }
    return applied.length > 0 ? this.lanesOutcome(applied) : this.idle('no_work', 'runtime_tick_idle');
  }

  private lanesOutcome(stages: AppliedStage[]): TickOutcome {
    return { kind: 'lanes', stages, running: this.lanes?.running ?? 0 };
  }

  /** Let every running lane stage finish and apply its result (stop and close leave nothing running). */
  private async drainLanes(): Promise<void> {
    const lanes = this.lanes;
    if (!lanes) return;
    while (lanes.running > 0) {
      await lanes.pool.waitAll();
      await lanes.applyFinished();
    }
  }

  private async withLaneView<T>(lane: LaneState, withPlanning: boolean, body: () => Promise<T>): Promise<T> {
    const state = this.requireState();
    const real = state.snapshot;
    const view = { lane, real, marker: lane.status_marker, withPlanning };
    this.view = view;
    state.snapshot = laneView(real, lane, withPlanning);
    try {
      return await body();
    } finally {
      state.snapshot = mergeLaneView(real, state.snapshot, lane, view.marker, withPlanning);
      this.view = null;
    }
  }

  private laneHost(): LaneHost {
    return {
      state: () => this.requireState(),
      context: () => this.context(),
      queue: this.options.queue,
      abortSignal: this.abort.signal,
      now: () => this.now(),
      event: (type, data) => this.event(type, data),
      activation: (item) => this.activation(item),
      withLaneView: (lane, withPlanning, body) => this.withLaneView(lane, withPlanning, body),
      startStage: (ctx, run) => this.startStage(ctx, run),
      completeStage: (ctx, request, raw, beforeApply) => this.completeStage(ctx, request, raw, beforeApply),
      save: () => this.save(),
    };
  }

  private rel(path: string): string {
    return relative(this.paths.workspaceRoot, path).split('\\').join('/');
  }
}

async function readBaselineIdentity(paths: WorkspacePaths): Promise<{ manifest_id: string; seed_package_version: string } | null> {
  return readBaselineManifest(paths.baselineManifest, paths.baselineManifest, paths.workspaceRoot).catch(() => null);
}


/** An active stage and plane in the snapshot's single fields with no run and no work item identity (not the Arbiter's closure stage). */
function hasActiveStageWithoutIdentity(s: RuntimeSnapshot): boolean {
  return activeRuns(s).length === 0 && s.active_stage !== null && s.active_plane !== null && s.active_stage !== 'arbiter' && (s.active_work_item_kind === null || s.active_work_item_id === null);
}

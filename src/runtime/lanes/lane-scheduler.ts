import type { StageRunRequest } from '@millrace/plugin-api';
import type { ExecutionConfig } from '../../contracts/config.js';
import { IDLE_MARKER, type ActiveRunState, type LaneState, type StageResultEnvelope } from '../../contracts/runtime-state.js';
import { laneStatusFilePath, readLaneStatusFile } from '../../workspace/state/lane-status.js';
import { blockedInstead, type RouterDecision } from '../decide/route.js';
import type { QueuePort, QueuedItem } from '../queue-port.js';
import { reconcileState } from '../recovery.js';
import type { RuntimeState, TickStepContext } from '../tick-steps.js';
import type { LaneExecutor, LanePlace, LaneTask } from './lane-executor.js';
import { busyLanes, findLane, freeLaneNumbers, putLane } from './lane-ops.js';
import { LanePool } from './lane-pool.js';

/** A routed stage result, as the engine's stage completion returns it. */
export type AppliedStage = { kind: 'stage'; request: StageRunRequest; result: StageResultEnvelope; stageResultPath: string; decision: RouterDecision };

/** Replaces a `done` decision when the task's work could not be integrated (runs before the result is applied). */
export type BeforeApply = (result: StageResultEnvelope, decision: RouterDecision) => Promise<{ result: StageResultEnvelope; decision: RouterDecision }>;

/** What the lane scheduler needs from the engine: its state, its single writer and its stage start/completion. */
export type LaneHost = {
  state(): RuntimeState;
  context(): TickStepContext;
  queue: QueuePort;
  abortSignal: AbortSignal;
  now(): Date;
  event(type: string, data: Record<string, unknown>): Promise<unknown>;
  activation(item: QueuedItem): ActiveRunState;
  /** Run `body` with the lane's run as the execution plane's active run; saves write the merged snapshot. */
  withLaneView<T>(lane: LaneState, withPlanning: boolean, body: () => Promise<T>): Promise<T>;
  startStage(ctx: TickStepContext, run: ActiveRunState): Promise<StageRunRequest>;
  completeStage(ctx: TickStepContext, request: StageRunRequest, raw: NonNullable<ReturnType<LanePool['takeFinished']>[number]['raw']>, beforeApply: BeforeApply): Promise<AppliedStage>;
  save(): Promise<void>;
};

/**
 * Execution lanes (docs/parallel.md): claims tasks into free lanes, starts their stages through the lane executor,
 * and hands each finished stage back to the engine, lowest lane first, to be routed and applied one at a time.
 */
export class LaneScheduler {
  readonly pool = new LanePool();

  constructor(
    private readonly host: LaneHost,
    private readonly execution: ExecutionConfig,
    private readonly executor: LaneExecutor,
  ) {}

  get running(): number {
    return this.pool.size;
  }

  /** Startup: reconcile each lane's run by the existing rules (a run left mid-stage by a dead owner is stale). */
  async reconcileLanes(): Promise<void> {
    for (const lane of busyLanes(this.host.state().snapshot)) {
      const marker = await readLaneStatusFile(this.host.context().paths, lane.lane);
      await this.host.withLaneView(lane, false, () => reconcileState(this.host.context(), { execution: marker ?? IDLE_MARKER, planning: undefined }));
    }
  }

  /**
   * Stages whose lane no longer holds their run (the operator retried the lane's task): abort them. Until they have
   * ended no task is claimed, so the requeued task never starts again while its old stage still runs in its worktree.
   */
  private abandonOrphans(): boolean {
    let orphans = false;
    for (const stage of this.pool.runningStages()) {
      const lane = findLane(this.host.state().snapshot, stage.lane);
      if (lane && lane.run.run_id === stage.request.run_id) continue;
      this.pool.abort(stage.lane);
      orphans = true;
    }
    return orphans;
  }

  /** Route and apply every finished stage, lowest lane first; frees and releases the lanes whose task ended. */
  async applyFinished(): Promise<AppliedStage[]> {
    this.abandonOrphans();
    const applied: AppliedStage[] = [];
    for (const finished of this.pool.takeFinished()) {
      const lane = findLane(this.host.state().snapshot, finished.lane);
      if (!lane || lane.run.run_id !== finished.request.run_id) {
        // The lane's task was requeued by the operator while this stage ran: its result belongs to no active run.
        await this.host.event('lane_stage_discarded', { lane: finished.lane, request_id: finished.request.request_id, run_id: finished.request.run_id, work_item_id: finished.request.active_work_item_id });
        continue;
      }
      if (finished.raw.exit_kind === 'interrupted' && this.host.abortSignal.aborted) {
        await this.host.event('stage_abandoned', { request_id: finished.request.request_id, run_id: lane.run.run_id, plane: 'execution', stage: lane.run.stage, lane: lane.lane });
        continue;
      }
      const task = this.taskOf(lane);
      const outcome = await this.host.withLaneView(lane, true, () => this.host.completeStage(this.host.context(), finished.request, finished.raw, (result, decision) => this.integrateIfDone(task, lane, result, decision)));
      applied.push(outcome);
      if (!findLane(this.host.state().snapshot, lane.lane) && outcome.decision.action === 'idle') await this.release(task, lane);
    }
    return applied;
  }

  /** Claim tasks into free lanes and start a stage in every busy lane that has none running. No-op when paused. */
  async fill(scope: string | null): Promise<void> {
    const state = this.host.state();
    if (state.snapshot.paused || state.snapshot.stop_requested) return;
    const orphans = this.abandonOrphans();
    for (const laneNumber of orphans ? [] : freeLaneNumbers(state.snapshot, this.execution.max_parallel).filter((n) => !this.pool.isRunning(n))) {
      const item = await this.host.queue.claimForLane?.(scope, { isolation: this.execution.isolation, maxActive: this.execution.max_parallel });
      if (!item) break;
      const run = this.host.activation(item);
      state.snapshot = putLane(state.snapshot, { lane: laneNumber, run, status_marker: IDLE_MARKER, worktree_path: null, branch: null, base_branch: null });
      await this.host.event('lane_claimed', { lane: laneNumber, work_item_kind: item.kind, work_item_id: item.id, run_id: run.run_id });
    }
    for (const lane of busyLanes(state.snapshot)) {
      if (!this.pool.isRunning(lane.lane)) await this.startLaneStage(lane);
    }
  }

  private taskOf(lane: LaneState): LaneTask {
    return { lane: lane.lane, taskId: lane.run.work_item_id! };
  }

  private async startLaneStage(lane: LaneState): Promise<void> {
    const task = this.taskOf(lane);
    let place: LanePlace;
    try {
      place = await this.executor.prepare(task);
    } catch (error) {
      // The task cannot get its place (e.g. git refused the worktree): it goes back to the queue, nothing is lost.
      const state = this.host.state();
      state.snapshot = { ...state.snapshot, execution_lanes: (state.snapshot.execution_lanes ?? []).filter((l) => l.lane !== lane.lane) };
      await this.host.queue.requeue('task', task.taskId, `lane ${lane.lane} could not prepare the task: ${(error as Error).message}`, this.host.now()).catch(() => undefined);
      await this.host.save();
      await this.host.event('lane_prepare_failed', { lane: lane.lane, work_item_id: task.taskId, error: (error as Error).message });
      return;
    }
    const state = this.host.state();
    const placed: LaneState = { ...lane, worktree_path: place.worktree_path, branch: place.branch, base_branch: place.base_branch };
    state.snapshot = putLane(state.snapshot, placed);
    const request = await this.host.withLaneView(placed, true, () => this.host.startStage(this.host.context(), placed.run));
    const laneRequest: StageRunRequest = { ...request, summary_status_path: laneStatusFilePath(this.host.context().paths, lane.lane) };
    this.pool.start(lane.lane, laneRequest, (laneSignal) => this.executor.runStage(place, laneRequest, AbortSignal.any([this.host.abortSignal, laneSignal])));
  }

  private async integrateIfDone(task: LaneTask, lane: LaneState, result: StageResultEnvelope, decision: RouterDecision): Promise<{ result: StageResultEnvelope; decision: RouterDecision }> {
    if (decision.action !== 'idle' || !lane.worktree_path) return { result, decision };
    const place: LanePlace = { cwd: lane.worktree_path, worktree_path: lane.worktree_path, branch: lane.branch, base_branch: lane.base_branch };
    const outcome = await this.executor.integrate(task, place);
    if (outcome.ok) {
      await this.host.event('lane_integrated', { lane: lane.lane, work_item_id: task.taskId, branch: lane.branch, base_branch: lane.base_branch, commit: outcome.detail });
      return { result, decision };
    }
    const files = outcome.conflicts.length > 0 ? outcome.conflicts.join(', ') : 'none reported';
    await this.host.event('lane_integration_failed', { lane: lane.lane, work_item_id: task.taskId, branch: lane.branch, base_branch: lane.base_branch, worktree_path: lane.worktree_path, conflicts: outcome.conflicts, reason: outcome.reason });
    return {
      result: {
        ...result,
        notes: [...result.notes, `integration failed: ${outcome.reason}`, `branch ${lane.branch} kept; worktree kept at ${lane.worktree_path}`, `conflicting files: ${files}`],
      },
      decision: blockedInstead(decision, {
        failure_class: 'worktree_integration_failed',
        create_incident: true,
        reason: `integration of branch ${lane.branch} into ${lane.base_branch} failed; conflicting files: ${files}`,
      }),
    };
  }

  private async release(task: LaneTask, lane: LaneState): Promise<void> {
    if (!lane.worktree_path) return;
    try {
      await this.executor.release(task, { cwd: lane.worktree_path, worktree_path: lane.worktree_path, branch: lane.branch, base_branch: lane.base_branch });
      if (this.execution.worktree_retention === 'remove') await this.host.event('lane_worktree_removed', { lane: lane.lane, work_item_id: task.taskId, worktree_path: lane.worktree_path, branch: lane.branch });
    } catch (error) {
      await this.host.event('lane_worktree_remove_failed', { lane: lane.lane, work_item_id: task.taskId, worktree_path: lane.worktree_path, error: (error as Error).message });
    }
  }
}

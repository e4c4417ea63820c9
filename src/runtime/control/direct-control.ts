import type { Plane } from '@millrace/plugin-api';
import { IDLE_MARKER, PLANES, type RuntimeSnapshot } from '../../contracts/runtime-state.js';
import type { WorkspacePaths } from '../../workspace/paths.js';
import { readRecoveryCounters, writeRecoveryCounters } from '../../workspace/state/counters-store.js';
import { clearStaleLock } from '../../workspace/state/stale-lock.js';
import { readSnapshot, writeSnapshot } from '../../workspace/state/snapshot-store.js';
import { writeLaneStatusFile } from '../../workspace/state/lane-status.js';
import { writeStatusFile } from '../../workspace/state/status-files.js';
import { removeWorkItemCounters } from '../decide/counters.js';
import { activeRuns, clearPlaneRun, idleSnapshot, setPlaneMarker, withQueueDepths } from '../decide/snapshot-ops.js';
import { dropLane } from '../lanes/lane-ops.js';
import type { QueuePort } from '../queue-port.js';
import type { ControlResult } from './control-result.js';
import { addPauseSource } from './pause-sources.js';
import type { UsageGovernanceConfig } from '../../contracts/config.js';
import type { UsageRecord } from '../../contracts/usage.js';
import { decideOperatorResume, governUsage, resumeRefusalLine } from '../decide/governance.js';
import { selectRetryRun } from './retry-selection.js';

/** Offline control (no live owner of the workspace): mutate the state files directly (control-and-inspection.md §2). */
export type DirectControlContext = { paths: WorkspacePaths; queue: QueuePort; now: Date };

const direct = (action: ControlResult['action'], applied: boolean, detail: string): ControlResult => ({ action, mode: 'direct', applied, detail });

async function writeIdle(ctx: DirectControlContext, snapshot: RuntimeSnapshot, options: { clearPause?: boolean; clearStop?: boolean }): Promise<void> {
  const idle = idleSnapshot(snapshot, { processRunning: false, ...options }, ctx.now);
  for (const plane of PLANES) await writeStatusFile(ctx.paths, plane, IDLE_MARKER);
  await writeSnapshot(ctx.paths, withQueueDepths(idle, await ctx.queue.depths(), ctx.now));
}

export async function pauseDirect(ctx: DirectControlContext): Promise<ControlResult> {
  const { snapshot, changed } = addPauseSource(await readSnapshot(ctx.paths), 'operator');
  await writeSnapshot(ctx.paths, { ...snapshot, updated_at: ctx.now.toISOString() });
  return direct('pause', changed, 'runtime paused directly');
}

export type GovernanceInputs = { governance: UsageGovernanceConfig; records: UsageRecord[] };

/**
 * Governance is evaluated first from the workspace config and the ledger (no daemon session is running, so session
 * limits count nothing); when the config does not load the persisted governance state stands (control-and-inspection.md
 * §2.2). A reached limit keeps the `usage_governance` source unless `force`.
 */
export async function resumeDirect(ctx: DirectControlContext, force = false, governanceInputs: () => Promise<GovernanceInputs | null> = async () => null): Promise<ControlResult> {
  let before = await readSnapshot(ctx.paths);
  const inputs = await governanceInputs();
  if (inputs) before = governUsage(before, inputs.governance, inputs.records, ctx.now, null).snapshot;
  const outcome = decideOperatorResume(before, force);
  await writeSnapshot(ctx.paths, { ...outcome.snapshot, updated_at: ctx.now.toISOString() });
  if (outcome.refusedBy.length > 0) {
    const line = resumeRefusalLine(outcome.refusedBy, inputs?.governance.auto_resume ?? true);
    return { ...direct('resume', false, 'runtime resume blocked by usage governance'), usage_governance: line };
  }
  if (outcome.governanceRemoved && force) return direct('resume', true, 'runtime resumed directly; usage governance overridden');
  return direct('resume', outcome.operatorRemoved || outcome.governanceRemoved, 'runtime resumed directly');
}

/**
 * Direct stop resets the runtime to idle. Unlike the reference (spec ambiguity: a stopped item stays stranded in
 * `active/`), active documents are requeued so nothing is lost; counters are left alone.
 */
export async function stopDirect(ctx: DirectControlContext): Promise<ControlResult> {
  const before = await readSnapshot(ctx.paths);
  const requeued = await requeueAllActive(ctx, 'runtime stopped directly by operator');
  await writeIdle(ctx, before, { clearStop: true });
  const applied = before.process_running || !before.stop_requested || requeued > 0;
  return direct('stop', applied, requeued > 0 ? `runtime stopped directly; requeued=${requeued}` : 'runtime stopped directly');
}

async function requeueAllActive(ctx: DirectControlContext, reason: string): Promise<number> {
  let requeued = 0;
  const items = [...(await ctx.queue.listActive())].sort((a, b) => a.path.localeCompare(b.path));
  for (const item of items) {
    try {
      await ctx.queue.requeue(item.kind, item.id, reason, ctx.now);
      requeued++;
    } catch {
      // A document that cannot move stays where it is; doctor reports it.
    }
  }
  return requeued;
}

export async function retryActiveDirect(ctx: DirectControlContext, reason: string, scope: Plane | null, item: string | null = null): Promise<ControlResult> {
  const snapshot = await readSnapshot(ctx.paths);
  const selection = selectRetryRun(snapshot, scope, item);
  if (selection.kind === 'skip') return direct('retry_active', false, selection.detail);
  const { run, lane } = selection;
  if (run.work_item_kind === 'learning_request') return direct('retry_active', false, `active ${run.plane} run is not a retryable work item`);
  try {
    await ctx.queue.requeue(run.work_item_kind, run.work_item_id, reason, ctx.now);
  } catch (error) {
    return direct('retry_active', false, (error as Error).message);
  }
  const counters = await readRecoveryCounters(ctx.paths);
  await writeRecoveryCounters(ctx.paths, removeWorkItemCounters(counters, { kind: run.work_item_kind, id: run.work_item_id }));
  const cleared = lane !== null ? dropLane(snapshot, lane) : clearPlaneRun(snapshot, run.plane, null, ctx.now);
  if (lane !== null) await writeLaneStatusFile(ctx.paths, lane, IDLE_MARKER);
  if (activeRuns(cleared).length === 0 && (cleared.execution_lanes ?? []).length === 0) {
    await writeIdle(ctx, cleared, {});
  } else if (lane !== null) {
    await writeSnapshot(ctx.paths, withQueueDepths({ ...cleared, updated_at: ctx.now.toISOString() }, await ctx.queue.depths(), ctx.now));
  } else {
    await writeStatusFile(ctx.paths, run.plane, IDLE_MARKER);
    await writeSnapshot(ctx.paths, withQueueDepths(setPlaneMarker(cleared, run.plane, IDLE_MARKER, ctx.now), await ctx.queue.depths(), ctx.now));
  }
  return direct('retry_active', true, `active ${run.work_item_kind} ${run.work_item_id} requeued${lane !== null ? ` (lane ${lane})` : ''}`);
}

export async function clearStaleStateDirect(ctx: DirectControlContext, reason: string): Promise<ControlResult> {
  const before = await readSnapshot(ctx.paths);
  const counters = await readRecoveryCounters(ctx.paths);
  const requeued = await requeueAllActive(ctx, reason);
  const lock = await clearStaleLock(ctx.paths);
  await writeIdle(ctx, before, { clearStop: true });
  await writeRecoveryCounters(ctx.paths, { ...counters, entries: [] });
  const lockCleared = lock === 'cleared_stale' || lock === 'cleared_invalid';
  const applied = requeued > 0 || counters.entries.length > 0 || before.active_stage !== null || before.process_running || before.stop_requested || lockCleared;
  return direct('clear_stale_state', applied, `cleared stale runtime state; requeued=${requeued}; runtime_ownership_lock=${lock}`);
}

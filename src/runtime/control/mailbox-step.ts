import type { Plane } from '@millrace/plugin-api';
import { IDLE_MARKER } from '../../contracts/runtime-state.js';
import type { MailboxEnvelope, MailboxEnvelopeOf } from '../../contracts/mailbox.js';
import { buildMailboxEnvelope, drainMailbox, writeMailboxCommand } from '../../workspace/mailbox/index.js';
import { writeLaneStatusFile } from '../../workspace/state/lane-status.js';
import { removeWorkItemCounters } from '../decide/counters.js';
import { activeRuns, clearPlaneRun } from '../decide/snapshot-ops.js';
import { dropLane } from '../lanes/lane-ops.js';
import type { QueuePort } from '../queue-port.js';
import type { MailboxDrainStep, TickStepContext } from '../tick-steps.js';
import { DEFAULT_REASONS, reasonOrDefault } from './control-result.js';
import { decideOperatorResume, resumeRefusalLine } from '../decide/governance.js';
import { addPauseSource } from './pause-sources.js';
import { selectRetryRun } from './retry-selection.js';

export type MailboxCommandDeps = {
  queue: QueuePort;
  /** Recompile and swap the running plan (control-and-inspection.md §2.6 steps 2-5). */
  reloadConfig?: (ctx: TickStepContext) => Promise<Record<string, unknown>>;
  /** add_task / add_spec / add_idea (intake through the mailbox). */
  intake?: (ctx: TickStepContext, envelope: Extract<MailboxEnvelope, { command: 'add_task' | 'add_spec' | 'add_idea' }>) => Promise<Record<string, unknown>>;
};

async function retryActive(ctx: TickStepContext, deps: MailboxCommandDeps, envelope: MailboxEnvelopeOf<'retry_active'>): Promise<Record<string, unknown>> {
  const scope: Plane | null = envelope.payload.scope ?? null;
  const selection = selectRetryRun(ctx.state.snapshot, scope, envelope.payload.item ?? null);
  if (selection.kind === 'skip') {
    if (selection.skipEvent) await ctx.appendEvent('retry_active_skipped', selection.skipEvent);
    return { applied: false, detail: selection.detail };
  }
  const { run, lane } = selection;
  if (run.work_item_kind === 'learning_request') return { applied: false, detail: 'learning requests are not retried' };
  const reason = reasonOrDefault(envelope.payload.reason, scope === 'planning' ? DEFAULT_REASONS.planning_retry_active : DEFAULT_REASONS.retry_active);
  try {
    await deps.queue.requeue(run.work_item_kind, run.work_item_id, reason, ctx.now());
  } catch (error) {
    return { applied: false, detail: (error as Error).message };
  }
  ctx.state.counters = removeWorkItemCounters(ctx.state.counters, { kind: run.work_item_kind, id: run.work_item_id });
  await ctx.saveCounters();
  if (lane !== null) {
    // The lane is freed; a stage still running in it is aborted by the lane scheduler, whose result is then discarded.
    ctx.state.snapshot = dropLane(ctx.state.snapshot, lane);
    await writeLaneStatusFile(ctx.paths, lane, IDLE_MARKER);
    await ctx.appendEvent('lane_retried', { lane, run_id: run.run_id, work_item_kind: run.work_item_kind, work_item_id: run.work_item_id, reason });
  } else {
    ctx.state.snapshot = clearPlaneRun(ctx.state.snapshot, run.plane, null, ctx.now());
    if (activeRuns(ctx.state.snapshot).length === 0 && (ctx.state.snapshot.execution_lanes ?? []).length === 0) await ctx.resetToIdle({ processRunning: true });
    else await ctx.setPlaneStatus(run.plane, IDLE_MARKER, run.run_id, 'retry_active');
  }
  await ctx.refreshQueueDepths();
  await ctx.saveSnapshot();
  return { applied: true, detail: `active ${run.work_item_kind} ${run.work_item_id} requeued${lane !== null ? ` (lane ${lane})` : ''}` };
}

async function clearStaleState(ctx: TickStepContext, deps: MailboxCommandDeps, envelope: MailboxEnvelopeOf<'clear_stale_state'>): Promise<Record<string, unknown>> {
  const reason = reasonOrDefault(envelope.payload.reason, DEFAULT_REASONS.clear_stale_state);
  let requeued = 0;
  for (const item of [...(await deps.queue.listActive())].sort((a, b) => a.path.localeCompare(b.path))) {
    try {
      await deps.queue.requeue(item.kind, item.id, reason, ctx.now());
      requeued++;
    } catch {
      // left in place; doctor reports it
    }
  }
  ctx.state.counters = { ...ctx.state.counters, entries: [] };
  await ctx.saveCounters();
  await ctx.resetToIdle({ processRunning: true, clearStop: true });
  await ctx.refreshQueueDepths();
  await ctx.saveSnapshot();
  return { applied: true, requeued };
}

/** While any plane is busy the reload waits: a copy goes back to `incoming/` for a later drain. */
async function reloadConfig(ctx: TickStepContext, deps: MailboxCommandDeps, envelope: MailboxEnvelopeOf<'reload_config'>): Promise<Record<string, unknown>> {
  const busy = activeRuns(ctx.state.snapshot).map((r) => r.plane);
  if (busy.length > 0) {
    const now = ctx.now();
    // A new id: the copy sorts after every command already waiting, like a reload issued now.
    const deferred = buildMailboxEnvelope('reload_config', {}, now, envelope.issuer);
    await writeMailboxCommand(ctx.paths, deferred);
    ctx.state.snapshot = { ...ctx.state.snapshot, last_reload_error: 'deferred until active planes drain' };
    await ctx.saveSnapshot();
    await ctx.appendEvent('runtime_config_reload_deferred', { reason: 'active_planes', active_planes: busy });
    return { applied: false, deferred_command_id: deferred.command_id };
  }
  if (!deps.reloadConfig) throw new Error('reload_config is not supported by this runtime');
  return deps.reloadConfig(ctx);
}

/** Apply one daemon-side command to the live runtime state (runtime.md §5.1). A throw archives it as failed. */
export async function applyMailboxCommand(ctx: TickStepContext, deps: MailboxCommandDeps, envelope: MailboxEnvelope): Promise<Record<string, unknown>> {
  switch (envelope.command) {
    case 'pause': {
      const { snapshot, changed } = addPauseSource(ctx.state.snapshot, 'operator');
      ctx.state.snapshot = snapshot;
      await ctx.saveSnapshot();
      return { applied: changed };
    }
    case 'resume': {
      const force = envelope.payload.force === true;
      const outcome = decideOperatorResume(ctx.state.snapshot, force);
      const overridden = force && outcome.governanceRemoved ? ctx.state.snapshot.usage_governance.blockers : [];
      ctx.state.snapshot = outcome.snapshot;
      await ctx.saveSnapshot();
      if (outcome.governanceRemoved) await ctx.appendEvent('usage_governance_resumed', { reason: force ? 'operator_forced' : 'operator_resumed_after_reset', overridden_limits: overridden.map((b) => b.id) });
      if (outcome.refusedBy.length > 0) return { applied: outcome.operatorRemoved, usage_governance: resumeRefusalLine(outcome.refusedBy) };
      return { applied: outcome.operatorRemoved || outcome.governanceRemoved };
    }
    case 'stop':
      ctx.state.snapshot = { ...ctx.state.snapshot, stop_requested: true };
      await ctx.saveSnapshot();
      return { applied: true };
    case 'retry_active':
      return retryActive(ctx, deps, envelope);
    case 'clear_stale_state':
      return clearStaleState(ctx, deps, envelope);
    case 'reload_config':
      return reloadConfig(ctx, deps, envelope);
    case 'add_task':
    case 'add_spec':
    case 'add_idea':
      if (!deps.intake) throw new Error(`${envelope.command} is not supported by this runtime`);
      return deps.intake(ctx, envelope);
  }
}

/** Tick step 1: drain `state/mailbox/incoming/` in file-name order. */
export function createMailboxDrainStep(deps: MailboxCommandDeps): MailboxDrainStep {
  return async (ctx) => {
    await drainMailbox(ctx.paths, (envelope) => applyMailboxCommand(ctx, deps, envelope), () => ctx.now().toISOString());
  };
}

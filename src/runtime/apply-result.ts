import { randomBytes } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { IDLE_MARKER, PLANES, type StageResultEnvelope } from '../contracts/runtime-state.js';
import { decideCounterIncrement, incrementCounter, removeWorkItemCounters, type WorkItemRef } from './decide/counters.js';
import { decideHandoffIncident } from './decide/handoff-incident.js';
import type { RouterDecision } from './decide/route.js';
import { activeRuns, clearPlaneRun, replaceRunStage } from './decide/snapshot-ops.js';
import type { QueuePort } from './queue-port.js';
import type { TickStepContext, TickSteps } from './tick-steps.js';

/** Apply a router decision (routing.md §5): queue moves, counters, incidents, status markers. */
export async function applyDecision(ctx: TickStepContext, queue: QueuePort, steps: TickSteps, result: StageResultEnvelope, decision: RouterDecision): Promise<void> {
  const state = ctx.state;
  const now = ctx.now();
  if (result.stage_kind_id === 'troubleshooter' || result.stage_kind_id === 'mechanic') {
    await unlink(ctx.paths.runtimeErrorContext).catch(() => undefined);
  }
  if (result.metadata.request_kind === 'closure_target') {
    if (steps.applyClosureResult) return steps.applyClosureResult(ctx, result, decision);
    state.snapshot = clearPlaneRun(state.snapshot, result.plane, decision.failure_class, now);
    await ctx.saveSnapshot();
    return;
  }
  const item = { kind: result.work_item_kind, id: result.work_item_id } as WorkItemRef & { kind: 'task' | 'spec' | 'incident' };

  if (decision.action === 'run_stage') {
    state.snapshot = replaceRunStage(
      state.snapshot,
      result.plane,
      { stage: decision.next_stage!, node_id: decision.next_node_id ?? decision.next_stage!, stage_kind_id: decision.next_stage_kind_id ?? decision.next_stage! },
      decision.failure_class,
      now,
    );
    const increment = decideCounterIncrement(decision, result.terminal_result);
    if (increment) {
      state.counters = incrementCounter(state.counters, increment.failureClass, item, increment.field, now);
      state.snapshot = { ...state.snapshot, [increment.field]: state.snapshot[increment.field] + 1 };
      await ctx.saveCounters();
    }
    await ctx.saveSnapshot();
    return;
  }

  if (decision.action === 'idle') {
    await queue.finish(item.kind, item.id, 'done');
    state.snapshot = clearPlaneRun(state.snapshot, result.plane, null, now);
    state.counters = removeWorkItemCounters(state.counters, item);
    await ctx.saveCounters();
    await ctx.saveSnapshot();
    if (activeRuns(state.snapshot).length > 0) await ctx.setPlaneStatus(result.plane, IDLE_MARKER, result.run_id, 'router_idle');
    else for (const plane of PLANES) await ctx.setPlaneStatus(plane, IDLE_MARKER, result.run_id, 'router_idle');
    if (result.plane === 'planning') await steps.afterPlanningResult?.(ctx, result, decision);
    return;
  }

  // handoff / blocked
  if (decision.create_incident) {
    const incident = decideHandoffIncident({
      result,
      decision,
      snapshot: state.snapshot,
      lineage: await queue.readLineage(item.kind, item.id),
      suffix: randomBytes(4).toString('hex'),
      now,
    });
    const path = await queue.enqueueIncident(incident);
    await ctx.appendEvent('runtime_handoff_incident_enqueued', {
      incident_id: incident.incident_id,
      source_work_item_kind: item.kind,
      source_work_item_id: item.id,
      root_idea_id: incident.root_idea_id,
      root_spec_id: incident.root_spec_id,
      source_task_id: incident.source_task_id,
      source_spec_id: incident.source_spec_id,
      destination: path.slice(ctx.paths.workspaceRoot.length + 1),
    });
  }
  try {
    await queue.finish(item.kind, item.id, 'blocked');
  } catch (error) {
    await ctx.appendEvent('runtime_blocked_mark_failed', { reason: decision.action === 'handoff' ? 'handoff' : 'blocked', work_item_kind: item.kind, work_item_id: item.id, error: (error as Error).message });
  }
  state.snapshot = clearPlaneRun(state.snapshot, result.plane, decision.failure_class, now);
  state.counters = removeWorkItemCounters(state.counters, item);
  await ctx.saveCounters();
  await ctx.saveSnapshot();
  if (result.plane === 'planning') await steps.afterPlanningResult?.(ctx, result, decision);
}

import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Plane } from '@millrace/plugin-api';
import { BLOCKED_MARKER, RuntimeErrorContextSchema, type ActiveRunState, type StageResultEnvelope } from '../contracts/runtime-state.js';
import { stageMetadata } from '../contracts/stage-metadata.js';
import { writeJsonFileAtomic, writeTextAtomic } from '../workspace/state/atomic-write.js';
import { readStateFile } from '../workspace/state/state-file.js';
import { incrementCounter } from './decide/counters.js';
import { detectReconciliationSignals, parseStatusFile } from './decide/reconcile.js';
import type { RouterDecision } from './decide/route.js';
import { activeRuns, clearPlaneRun, replaceRunStage, withQueueDepths } from './decide/snapshot-ops.js';
import { findNode } from './plan-view.js';
import { QueueStateError, type QueuePort } from './queue-port.js';
import type { TickStepContext } from './tick-steps.js';

/**
 * Startup repair of half-applied transitions left by a crash (beyond the reference, which strands these):
 * - an active run whose document already left `active/` (the crash hit between the move and the snapshot save) ends;
 * - a document in `active/` that no active run references (crash between claim and snapshot save) is requeued;
 * - counter entries of items that are not active are dropped (their run ended; runtime.md §9 resets).
 * Changes the snapshot in memory only (start-up saves it); counters and queue moves are written as they happen.
 */
export async function repairOrphans(ctx: TickStepContext, queue: QueuePort): Promise<void> {
  const state = ctx.state;
  await queue.repair();
  for (const run of activeRuns(state.snapshot)) {
    if (run.request_kind === 'closure_target' || !run.work_item_kind || !run.work_item_id || run.work_item_kind === 'learning_request') continue;
    const location = await queue.locate(run.work_item_kind, run.work_item_id);
    if (location === 'active') continue;
    state.snapshot = clearPlaneRun(state.snapshot, run.plane, null, ctx.now());
    await ctx.appendEvent('runtime_recovered_finished_run', { plane: run.plane, run_id: run.run_id, work_item_kind: run.work_item_kind, work_item_id: run.work_item_id, location });
  }
  for (const lane of state.snapshot.execution_lanes ?? []) {
    const location = await queue.locate('task', lane.run.work_item_id!);
    if (location === 'active') continue;
    state.snapshot = { ...state.snapshot, execution_lanes: (state.snapshot.execution_lanes ?? []).filter((l) => l.lane !== lane.lane) };
    await ctx.appendEvent('runtime_recovered_finished_run', { plane: 'execution', lane: lane.lane, run_id: lane.run.run_id, work_item_kind: 'task', work_item_id: lane.run.work_item_id, location });
  }
  const runs = [...activeRuns(state.snapshot), ...(state.snapshot.execution_lanes ?? []).map((l) => l.run)];
  const referenced = new Set(runs.map((r) => `${r.work_item_kind}:${r.work_item_id}`));
  for (const item of await queue.listActive()) {
    if (referenced.has(`${item.kind}:${item.id}`)) continue;
    try {
      await queue.requeue(item.kind, item.id, 'runtime recovered an active document without an active run', ctx.now());
      await ctx.appendEvent('runtime_recovered_orphaned_document', { work_item_kind: item.kind, work_item_id: item.id });
    } catch (error) {
      if (!(error instanceof QueueStateError)) throw error;
    }
  }
  const before = state.counters.entries.length;
  state.counters = { ...state.counters, entries: state.counters.entries.filter((e) => referenced.has(`${e.work_item_kind}:${e.work_item_id}`)) };
  if (state.counters.entries.length !== before) await ctx.saveCounters();
  // The snapshot is saved by start-up's own save a few steps later (runtime.md §3.1 step 7), one file replacement
  // fewer per start. A crash before it leaves the snapshot as it was, and the next start repairs the same way.
}

/** Apply the first reconciliation signal (runtime.md §5.6). Signals that change nothing emit nothing. */
export async function reconcileState(ctx: TickStepContext, files: { execution: string | undefined; planning: string | undefined }): Promise<void> {
  const state = ctx.state;
  const [signal, ...rest] = detectReconciliationSignals(state.snapshot, state.counters, { execution: parseStatusFile(files.execution), planning: parseStatusFile(files.planning) }, ctx.plan);
  if (!signal) return;
  const run = state.snapshot.active_runs_by_plane[signal.plane];
  if (!run) return;
  const node = findNode(ctx.plan, signal.plane, null, signal.recommended_stage);
  const now = ctx.now();
  state.snapshot = replaceRunStage(
    state.snapshot,
    signal.plane,
    { stage: signal.recommended_stage, node_id: node?.node_id ?? signal.recommended_stage, stage_kind_id: node?.stage_kind_id ?? signal.recommended_stage, run_id: ctx.newId('run') },
    signal.failure_class,
    now,
  );
  if (run.work_item_kind && run.work_item_id && signal.recommended_stage !== 'consultant') {
    const field = signal.recommended_stage === 'mechanic' ? 'mechanic_attempt_count' : 'troubleshoot_attempt_count';
    state.counters = incrementCounter(state.counters, signal.failure_class, { kind: run.work_item_kind, id: run.work_item_id }, field, now);
    state.snapshot = { ...state.snapshot, [field]: state.snapshot[field] + 1 };
    await ctx.saveCounters();
  }
  await ctx.refreshQueueDepths();
  await ctx.saveSnapshot();
  await ctx.appendEvent('runtime_reconciled', { signal_count: rest.length + 1, primary_signal: signal.code, recovery_stage: signal.recommended_stage });
}

/** Runtime-error fields for a troubleshooter/mechanic request whose context file matches the snapshot (routing.md §10). */
export async function runtimeErrorFieldsFor(ctx: TickStepContext, run: ActiveRunState): Promise<{ code: string; reportPath: string; catalogPath: string | null } | null> {
  if (run.stage !== 'troubleshooter' && run.stage !== 'mechanic') return null;
  const read = readStateFile(ctx.paths.runtimeErrorContext, ctx.paths.workspaceRoot);
  if (read.kind !== 'text') return null;
  const text = read.text;
  let parsed;
  try {
    parsed = RuntimeErrorContextSchema.safeParse(JSON.parse(text));
  } catch {
    return null;
  }
  if (!parsed.success) return null;
  const c = parsed.data;
  const s = ctx.state.snapshot;
  const matches = s.current_failure_class === c.error_code && c.plane === run.plane && c.repair_stage === run.stage && c.run_id === run.run_id && c.work_item_kind === run.work_item_kind && c.work_item_id === run.work_item_id;
  if (!matches) return null;
  const catalog = join(ctx.paths.workspaceRoot, 'docs', 'runtime', 'millrace-runtime-error-codes.md');
  return { code: c.error_code, reportPath: c.report_path, catalogPath: existsSync(catalog) ? catalog : null };
}

/** Reroute to the repair stage after an exception while applying a result (routing.md §10). */
export async function recoverPostStageError(
  ctx: TickStepContext,
  input: { result: StageResultEnvelope; decision: RouterDecision | null; stageResultPath: string | null; error: unknown },
): Promise<RouterDecision> {
  const { result, decision, error } = input;
  const plane: Plane = result.plane;
  const conflict = decision?.action === 'idle' && error instanceof QueueStateError;
  const code = `${plane}_${conflict ? 'work_item_completion_conflict' : 'post_stage_apply_failed'}`;
  const repairStage = plane === 'planning' ? 'mechanic' : 'troubleshooter';
  const node = findNode(ctx.plan, plane, null, repairStage);
  const now = ctx.now();
  const runDir = join(ctx.paths.runs, result.run_id);
  const reportPath = join(runDir, 'runtime_error_report.md');
  const exceptionType = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  const relPath = input.stageResultPath ? relative(ctx.paths.workspaceRoot, input.stageResultPath) : null;
  const isClosure = result.metadata.request_kind === 'closure_target';
  await writeTextAtomic(
    reportPath,
    [
      '# Runtime Error Report',
      '',
      `Error-Code: ${code}`,
      `Plane: ${plane}`,
      `Failed-Stage: ${result.stage}`,
      `Repair-Stage: ${repairStage}`,
      `Run-ID: ${result.run_id}`,
      `Work-Item: ${result.work_item_kind} ${result.work_item_id}`,
      `Router-Action: ${decision?.action ?? 'none'}`,
      `Terminal-Result: ${result.terminal_result}`,
      `Stage-Result-Path: ${relPath ?? 'none'}`,
      `Exception-Type: ${exceptionType}`,
      `Exception-Message: ${message}`,
      `Captured-At: ${now.toISOString()}`,
      '',
      'Summary:',
      '- The runtime hit an exception after a stage returned a legal terminal result.',
      '- Forward progress was rerouted into the default recovery stage instead of exiting the daemon.',
      '- Consult the runtime error catalog when the error code needs interpretation.',
      '',
    ].join('\n'),
  );
  await writeJsonFileAtomic(
    ctx.paths.runtimeErrorContext,
    RuntimeErrorContextSchema.parse({
      schema_version: '1.0',
      kind: 'runtime_error_context',
      error_code: code,
      plane,
      failed_stage: result.stage,
      repair_stage: repairStage,
      work_item_kind: isClosure ? null : result.work_item_kind,
      work_item_id: isClosure ? null : result.work_item_id,
      run_id: result.run_id,
      router_action: decision?.action ?? null,
      terminal_result: result.terminal_result,
      stage_result_path: relPath,
      report_path: reportPath,
      exception_type: exceptionType,
      exception_message: message,
      captured_at: now.toISOString(),
    }),
  );
  await ctx.setPlaneStatus(plane, BLOCKED_MARKER, result.run_id, 'runtime_recovery_blocked');
  const state = ctx.state;
  const repair = { stage: repairStage, node_id: node?.node_id ?? repairStage, stage_kind_id: node?.stage_kind_id ?? repairStage } as const;
  state.snapshot = replaceRunStage(state.snapshot, plane, repair, code, now);
  state.snapshot = {
    ...withQueueDepths(state.snapshot, { execution: state.snapshot.queue_depth_execution, planning: state.snapshot.queue_depth_planning, learning: state.snapshot.queue_depth_learning }, now, false),
    last_terminal_result: result.terminal_result,
    last_stage_result_path: relPath,
  };
  await ctx.saveSnapshot();
  await ctx.appendEvent('runtime_post_stage_recovery_scheduled', {
    error_code: code,
    plane,
    failed_stage: result.stage,
    repair_stage: repairStage,
    repair_node_id: repair.node_id,
    repair_stage_kind_id: repair.stage_kind_id,
    router_action: decision?.action ?? null,
    terminal_result: result.terminal_result,
    work_item_kind: result.work_item_kind,
    work_item_id: result.work_item_id,
    exception_type: exceptionType,
    exception_message: message,
    report_path: reportPath,
  });
  return {
    action: 'run_stage',
    next_plane: plane,
    next_stage: stageMetadata(repairStage)!.stage,
    next_node_id: repair.node_id,
    next_stage_kind_id: repair.stage_kind_id,
    reason: `runtime_exception:${code}`,
    failure_class: code,
    counter_key: null,
    create_incident: false,
  };
}

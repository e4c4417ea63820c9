import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { BLOCKED_MARKER, IDLE_MARKER, type ActiveRunState, type StageResultEnvelope } from '../../contracts/runtime-state.js';
import type { ClosureTarget } from '../../contracts/closure-target.js';
import { stageForKind } from '../../contracts/stage-metadata.js';
import { MillraceError } from '../../errors/index.js';
import {
  closureTargetFile,
  copyArbiterReport,
  readClosureTarget,
  readClosureTargets,
  readOpenClosureTarget,
  readSeedIdeaMarkdown,
  QUEUED_SPECS,
  scanLineageDocuments,
  toLineageDocument,
  resolveArbiterVerdict,
  toWorkspaceRelative,
  writeClosureContracts,
  writeClosureTarget,
  writeLineageDriftDiagnostic,
} from '../../workspace/arbiter/index.js';
import { readWorkItem } from '../../workspace/queue/index.js';
import { readRuntimeEvents } from '../../workspace/state/events-log.js';
import {
  completionBlockIsNew,
  decideClosureReadiness,
  decideSpecClaimClosure,
  detectLineageDrift,
  LINEAGE_DRIFT_FAILURE_CLASS,
  newClosureTarget,
  selectCompletionTarget,
  selectDeferredRootSpecs,
  selectOpenClosureTarget,
  type LineageDocument,
} from '../decide/closure.js';
import { buildArbiterGapIncident, decideArbiterOutcome, remediationGuardFires, type ArbiterOutcome } from '../decide/arbiter-outcome.js';
import type { RouterDecision } from '../decide/route.js';
import { clearPlaneRun } from '../decide/snapshot-ops.js';
import { graphFor } from '../plan-view.js';
import type { QueuePort } from '../queue-port.js';
import type { ClosureRequestFields, TickStepContext, TickSteps } from '../tick-steps.js';


const ARBITER_OUTCOMES: readonly string[] = ['ARBITER_COMPLETE', 'REMEDIATION_NEEDED', 'BLOCKED'];

/** Create the target: snapshot the seed idea and the root spec into `arbiter/contracts/` (routing.md §9.2 step 5). */
async function openTarget(ctx: TickStepContext, spec: { file: string; references: readonly string[]; source_id: string | null }, rootSpecId: string, rootIdeaId: string): Promise<ClosureTarget> {
  const idea = await readSeedIdeaMarkdown(ctx.paths, { references: spec.references, source_id: spec.source_id, root_idea_id: rootIdeaId });
  const target = newClosureTarget(rootSpecId, rootIdeaId, ctx.now().toISOString());
  await writeClosureContracts(ctx.paths, target, spec.file, idea.markdown);
  await writeClosureTarget(ctx.paths, target);
  await ctx.appendEvent('closure_target_opened', { root_spec_id: rootSpecId, root_idea_id: rootIdeaId, target_path: toWorkspaceRelative(ctx.paths, closureTargetFile(ctx.paths, rootSpecId)) });
  return target;
}

async function specDetails(ctx: TickStepContext, specId: string) {
  const item = await readWorkItem(ctx.paths, specId, 'spec');
  if (item.document.kind !== 'spec') throw new MillraceError('INTERNAL', `${specId} is not a spec`);
  const f = item.document.fields;
  return { doc: toLineageDocument(item.document, item.state, toWorkspaceRelative(ctx.paths, item.path)), file: item.path, references: f.references, source_id: f.source_id ?? null };
}

/** "Completion blocked": planning marker `### BLOCKED` with the failure class, once per cause (routing.md §9.4). */
async function blockCompletion(ctx: TickStepContext, failureClass: string, spec: { id: string; path: string } | null, event: { type: string; data: Record<string, unknown> }): Promise<void> {
  const s = ctx.state.snapshot;
  if (!completionBlockIsNew({ marker: s.planning_status_marker, currentFailureClass: s.current_failure_class }, failureClass)) return;
  ctx.state.snapshot = { ...s, current_failure_class: failureClass };
  await ctx.setPlaneStatus('planning', BLOCKED_MARKER, null, 'completion_behavior_blocked');
  await ctx.appendEvent('completion_behavior_blocked', { reason: failureClass, spec_id: spec?.id ?? null, spec_path: spec?.path ?? null });
  await ctx.appendEvent(event.type, event.data);
}

async function writeIfChanged(ctx: TickStepContext, before: ClosureTarget, after: ClosureTarget): Promise<void> {
  if (JSON.stringify(before) !== JSON.stringify(after)) await writeClosureTarget(ctx.paths, after);
}

/** Tick step 10 (routing.md §9.4): with nothing claimed, maybe run the Arbiter on the open (or backfilled) target. */
async function completion(ctx: TickStepContext): Promise<ActiveRunState | null> {
  const entry = graphFor(ctx.plan, 'planning')?.compiled_completion_entry ?? null;
  if (!entry) return null;
  const { targets, problems } = await readClosureTargets(ctx.paths);
  if (problems.length > 0) return null;
  const { open, conflict } = selectOpenClosureTarget(targets);
  if (conflict.length > 0) return null;
  const documents = await scanLineageDocuments(ctx.paths);
  const selection = selectCompletionTarget(open, new Map(targets.map((t) => [t.root_spec_id, t])), documents);
  let target: ClosureTarget;
  if (selection.kind === 'use') target = selection.target;
  else if (selection.kind === 'backfill') {
    const spec = await specDetails(ctx, selection.spec.id).catch(() => null);
    if (!spec) return null;
    try {
      target = await openTarget(ctx, spec, selection.rootSpecId, selection.rootIdeaId);
    } catch (error) {
      await ctx.appendEvent('closure_target_unavailable', { root_spec_id: selection.rootSpecId, reason: (error as Error).message });
      return null;
    }
    await ctx.appendEvent('completion_behavior_target_backfilled', { root_spec_id: target.root_spec_id, root_idea_id: target.root_idea_id, spec_path: selection.spec.path });
  } else {
    // No candidate, a closed target, or a lineage-less manual spec: nothing to close (see docs/planning.md).
    return null;
  }

  const s = ctx.state.snapshot;
  const readiness = decideClosureReadiness(target, documents, { marker: s.planning_status_marker, currentFailureClass: s.current_failure_class });
  await writeIfChanged(ctx, target, readiness.target);
  if (readiness.kind === 'lineage_work' || readiness.kind === 'hold_blocked') return null;
  if (readiness.kind === 'drift') {
    const diagnostic = await writeLineageDriftDiagnostic(ctx.paths, readiness.target, readiness.findings, ctx.now().toISOString());
    await blockCompletion(ctx, LINEAGE_DRIFT_FAILURE_CLASS, null, {
      type: 'closure_lineage_drift_detected',
      data: { root_spec_id: target.root_spec_id, root_idea_id: target.root_idea_id, finding_count: readiness.findings.length, diagnostic_path: diagnostic },
    });
    return null;
  }
  return {
    plane: 'planning',
    stage: stageForKind(entry.stage_kind_id),
    node_id: entry.node_id,
    stage_kind_id: entry.stage_kind_id,
    run_id: ctx.newId('run'),
    request_kind: 'closure_target',
    work_item_kind: null,
    work_item_id: null,
    closure_target_root_spec_id: target.root_spec_id,
    closure_target_root_idea_id: target.root_idea_id,
    active_since: ctx.now().toISOString(),
    running_status_marker: null,
  };
}

/** Closure fields of the Arbiter request (routing.md §9.5). Paths are absolute so any agent cwd works. */
async function closureRequest(ctx: TickStepContext, run: ActiveRunState): Promise<ClosureRequestFields> {
  const root = run.closure_target_root_spec_id;
  const target = root ? await readClosureTarget(ctx.paths, root) : null;
  if (!target || !target.closure_open) throw new MillraceError('WORKSPACE_STATE_INVALID', `no open closure target for ${root ?? 'the Arbiter run'}`, { file: ctx.paths.arbiter.targets });
  const abs = (p: string) => resolve(ctx.paths.workspaceRoot, p);
  return {
    closure_target_path: closureTargetFile(ctx.paths, target.root_spec_id),
    closure_target_root_spec_id: target.root_spec_id,
    closure_target_root_idea_id: target.root_idea_id,
    canonical_root_spec_path: abs(target.root_spec_path),
    canonical_seed_idea_path: abs(target.root_idea_path),
    preferred_rubric_path: abs(target.rubric_path),
    preferred_verdict_path: target.latest_verdict_path ? abs(target.latest_verdict_path) : join(ctx.paths.arbiter.verdicts, `${target.root_spec_id}.json`),
  };
}

const metaString = (result: StageResultEnvelope, key: string): string | null => {
  const v = result.metadata[key];
  return typeof v === 'string' && v.trim() !== '' ? v : null;
};

/** Apply an Arbiter result to its closure target (routing.md §9.7-9.8). */
async function applyClosureResult(ctx: TickStepContext, queue: QueuePort, result: StageResultEnvelope, decision: RouterDecision): Promise<void> {
  const root = metaString(result, 'closure_target_root_spec_id');
  const target = root ? await readClosureTarget(ctx.paths, root) : null;
  if (!target) throw new MillraceError('WORKSPACE_STATE_INVALID', `closure target ${root ?? '(none)'} of Arbiter run ${result.run_id} is missing`, { file: ctx.paths.arbiter.targets });
  const outcome = (ARBITER_OUTCOMES.includes(result.terminal_result) ? result.terminal_result : 'BLOCKED') as ArbiterOutcome;
  const now = ctx.now();
  const guardFires = outcome === 'REMEDIATION_NEEDED' && remediationGuardFires(await readRuntimeEvents(ctx.paths).catch(() => []), target.last_arbiter_run_id);
  const d = decideArbiterOutcome({
    target,
    outcome,
    runId: result.run_id,
    now: now.toISOString(),
    verdictPath: await resolveArbiterVerdict(ctx.paths, metaString(result, 'preferred_verdict_path') ?? join(ctx.paths.arbiter.verdicts, `${target.root_spec_id}.json`)),
    reportPath: await copyArbiterReport(ctx.paths, result.run_id, result.report_artifact),
    blockedFailureClass: decision.failure_class,
    guardFires,
  });
  await writeClosureTarget(ctx.paths, d.target);
  ctx.state.snapshot = clearPlaneRun(ctx.state.snapshot, 'planning', d.failureClass, now);
  await ctx.saveSnapshot();

  if (d.effect === 'closed') {
    await ctx.setPlaneStatus('execution', IDLE_MARKER, result.run_id, 'closure_idle');
    await ctx.setPlaneStatus('planning', IDLE_MARKER, result.run_id, 'closure_idle');
    await ctx.appendEvent('closure_target_closed', { root_spec_id: target.root_spec_id, run_id: result.run_id, latest_verdict_path: d.target.latest_verdict_path, latest_report_path: d.target.latest_report_path });
  } else if (d.effect === 'remediation_guard_blocked') {
    await ctx.setPlaneStatus('planning', BLOCKED_MARKER, result.run_id, 'closure_repeated_remediation_guard');
    await ctx.appendEvent('closure_repeated_remediation_blocked', { root_spec_id: target.root_spec_id, failure_class: d.failureClass, run_id: result.run_id });
  } else if (d.effect === 'remediation_incident') {
    const evidence = [...result.artifact_paths, ...['preferred_rubric_path', 'preferred_verdict_path', 'preferred_report_path'].map((k) => metaString(result, k)).filter((p): p is string => p !== null)];
    const incident = buildArbiterGapIncident({ target, runId: result.run_id, now: now.toISOString(), suffix: randomBytes(4).toString('hex'), notes: result.notes, evidencePaths: evidence, lastStageResultPath: ctx.state.snapshot.last_stage_result_path });
    const path = await queue.enqueueIncident(incident);
    await ctx.appendEvent('runtime_handoff_incident_enqueued', {
      incident_id: incident.incident_id,
      source_work_item_kind: 'spec',
      source_work_item_id: target.root_spec_id,
      root_idea_id: incident.root_idea_id,
      root_spec_id: incident.root_spec_id,
      source_task_id: null,
      source_spec_id: incident.source_spec_id,
      destination: toWorkspaceRelative(ctx.paths, path),
    });
  }
}

/** Right after a claimed spec is activated: open, reuse or refuse its closure target (routing.md §9.2). */
async function onSpecActivation(ctx: TickStepContext, specId: string): Promise<'allowed' | 'refused'> {
  const spec = await specDetails(ctx, specId);
  const root = spec.doc.root_spec_id;
  const decision = decideSpecClaimClosure(spec.doc, root ? await readClosureTarget(ctx.paths, root) : null, await readOpenClosureTarget(ctx.paths));
  if (decision.action === 'backpressure') {
    const deferred = selectDeferredRootSpecs(decision.openRootSpecId, await scanLineageDocuments(ctx.paths, QUEUED_SPECS));
    await ctx.appendEvent('closure_target_backpressure', { open_root_spec_id: decision.openRootSpecId, deferred_root_spec_ids: [...new Set([...deferred, specId])].sort(), reason: 'open_closure_target' });
    return 'refused';
  }
  if (decision.action === 'open') {
    try {
      await openTarget(ctx, spec, decision.rootSpecId, decision.rootIdeaId);
    } catch (error) {
      // Without its seed idea the lineage is planned without a closure pass rather than left half-claimed.
      await ctx.appendEvent('closure_target_unavailable', { root_spec_id: decision.rootSpecId, reason: (error as Error).message });
    }
  }
  return 'allowed';
}

/** While a target is open, claims are scoped to its lineage (runtime.md §6.1). */
async function claimScope(ctx: TickStepContext): Promise<{ rootSpecId: string; deferredRootSpecIds: string[] } | null> {
  const open = await readOpenClosureTarget(ctx.paths);
  if (!open) return null;
  return { rootSpecId: open.root_spec_id, deferredRootSpecIds: selectDeferredRootSpecs(open.root_spec_id, await scanLineageDocuments(ctx.paths, QUEUED_SPECS)) };
}

/** After MANAGER_COMPLETE with an open target: block closure early when the new work drifted (routing.md §9.9). */
export async function checkLineageDriftAfterManager(ctx: TickStepContext): Promise<void> {
  const open = await readOpenClosureTarget(ctx.paths);
  if (!open) return;
  const documents: LineageDocument[] = await scanLineageDocuments(ctx.paths);
  const findings = detectLineageDrift(open, documents);
  if (findings.length === 0) return;
  await writeClosureTarget(ctx.paths, { ...open, closure_blocked_by_lineage_work: true, blocking_work_ids: findings.map((f) => f.work_item_id) });
  const diagnostic = await writeLineageDriftDiagnostic(ctx.paths, open, findings, ctx.now().toISOString());
  await blockCompletion(ctx, LINEAGE_DRIFT_FAILURE_CLASS, null, {
    type: 'closure_lineage_drift_detected',
    data: { root_spec_id: open.root_spec_id, root_idea_id: open.root_idea_id, finding_count: findings.length, diagnostic_path: diagnostic },
  });
}

/** The closure seams of the tick. */
export function createClosureSteps(queue: QueuePort): Pick<TickSteps, 'claimScope' | 'onSpecActivation' | 'completion' | 'closureRequest' | 'applyClosureResult'> {
  return {
    claimScope,
    onSpecActivation,
    completion,
    closureRequest,
    applyClosureResult: (ctx, result, decision) => applyClosureResult(ctx, queue, result, decision),
  };
}

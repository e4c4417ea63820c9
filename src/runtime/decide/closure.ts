import type { ClosureTarget, LineageDriftFinding } from '../../contracts/closure-target.js';
import { byCreatedThenId, effectiveRootSpecId, hasNoParent, isRootSpecDocument, isSeedSource, type LineageDocument, type LineageState } from '../../contracts/lineage.js';

/**
 * Pure closure-target decisions (routing.md §8-9). Callers read the workspace, pass plain data
 * (including `now` and fresh ids) and apply the returned decision through `workspace/arbiter`.
 */

export const ARBITER_REMEDIATION_FAILURE_CLASS = 'arbiter_parity_gap';
export const ARBITER_BLOCKED_FAILURE_CLASS = 'arbiter_blocked';
export const REPEATED_REMEDIATION_FAILURE_CLASS = 'closure_repeated_remediation_without_execution';
export const MISSING_ROOT_LINEAGE_FAILURE_CLASS = 'missing_root_lineage';
export const LINEAGE_DRIFT_FAILURE_CLASS = 'closure_lineage_drift';
export const BACKPRESSURE_REQUEUE_REASON = 'open closure target backpressure';

const ARBITER_DIR = 'millrace-agents/arbiter';

export { effectiveRootSpecId, isRootSpecDocument, selectDeferredRootSpecs, type LineageDocument, type LineageState } from '../../contracts/lineage.js';

export type SpecClaimClosureDecision =
  | { action: 'none' }
  | { action: 'reuse'; target: ClosureTarget }
  | { action: 'backpressure'; openRootSpecId: string }
  | { action: 'open'; rootSpecId: string; rootIdeaId: string };

/** What claiming `spec` means for closure targets (routing.md §9.2). */
export function decideSpecClaimClosure(
  spec: LineageDocument,
  targetForRoot: ClosureTarget | null,
  openTarget: ClosureTarget | null,
): SpecClaimClosureDecision {
  if (!spec.root_spec_id || !spec.root_idea_id) return { action: 'none' };
  if (spec.id !== spec.root_spec_id) return { action: 'none' };
  if (targetForRoot) return { action: 'reuse', target: targetForRoot };
  if (openTarget) return { action: 'backpressure', openRootSpecId: openTarget.root_spec_id };
  return { action: 'open', rootSpecId: spec.root_spec_id, rootIdeaId: spec.root_idea_id };
}

/** Workspace-relative locations of one lineage's arbiter files. */
export function closureTargetPaths(rootSpecId: string, rootIdeaId: string) {
  return {
    root_spec_path: `${ARBITER_DIR}/contracts/root-specs/${rootSpecId}.md`,
    root_idea_path: `${ARBITER_DIR}/contracts/ideas/${rootIdeaId}.md`,
    rubric_path: `${ARBITER_DIR}/rubrics/${rootSpecId}.md`,
    default_verdict_path: `${ARBITER_DIR}/verdicts/${rootSpecId}.json`,
    drift_diagnostic_path: `${ARBITER_DIR}/diagnostics/lineage-drift/${rootSpecId}.json`,
  };
}

export function newClosureTarget(rootSpecId: string, rootIdeaId: string, now: string): ClosureTarget {
  const p = closureTargetPaths(rootSpecId, rootIdeaId);
  return {
    schema_version: '1.0',
    kind: 'closure_target_state',
    root_spec_id: rootSpecId,
    root_idea_id: rootIdeaId,
    root_spec_path: p.root_spec_path,
    root_idea_path: p.root_idea_path,
    rubric_path: p.rubric_path,
    latest_verdict_path: null,
    latest_report_path: null,
    closure_open: true,
    closure_blocked_by_lineage_work: false,
    blocking_work_ids: [],
    opened_at: now,
    closed_at: null,
    last_arbiter_run_id: null,
  };
}

/** Exactly zero or one target may be open; more is a hard error the caller reports. */
export function selectOpenClosureTarget(targets: readonly ClosureTarget[]): { open: ClosureTarget | null; conflict: string[] } {
  const open = targets.filter((t) => t.closure_open);
  return open.length > 1 ? { open: null, conflict: open.map((t) => t.root_spec_id).sort() } : { open: open[0] ?? null, conflict: [] };
}

const OPEN_STATES: readonly LineageState[] = ['queue', 'active', 'blocked'];

/** Ids of not-finished documents of the lineage, first occurrence order (routing.md §9.4 step 4). */
export function selectOpenLineageWork(rootSpecId: string, documents: readonly LineageDocument[]): string[] {
  const ids: string[] = [];
  for (const d of documents) {
    if (OPEN_STATES.includes(d.state) && effectiveRootSpecId(d) === rootSpecId && !ids.includes(d.id)) ids.push(d.id);
  }
  return ids;
}

/** `idea-idea-x` is a known alias of `idea-x` (a doubled prefix written by older normalizers). */
export function knownRootAliases(rootSpecId: string): string[] {
  return rootSpecId.startsWith('idea-idea-') ? [rootSpecId.slice('idea-'.length)] : [];
}

/** Open documents that belong to the target's idea but name another root (routing.md §9.9). */
export function detectLineageDrift(target: Pick<ClosureTarget, 'root_spec_id' | 'root_idea_id'>, documents: readonly LineageDocument[]): LineageDriftFinding[] {
  const aliases = knownRootAliases(target.root_spec_id);
  const findings: LineageDriftFinding[] = [];
  for (const d of documents) {
    if (d.state === 'done') continue;
    const actual = effectiveRootSpecId(d);
    if (actual === target.root_spec_id) continue;
    let reason: LineageDriftFinding['diagnostic_reason'] | null = null;
    if (d.root_idea_id !== null && d.root_idea_id === target.root_idea_id) reason = 'same_root_idea_different_root_spec';
    else if ((actual !== null && aliases.includes(actual)) || (d.spec_id !== null && aliases.includes(d.spec_id))) reason = 'known_root_spec_alias';
    if (!reason) continue;
    findings.push({
      work_item_kind: d.kind,
      work_item_id: d.id,
      state: d.state,
      path: d.path,
      expected_root_spec_id: target.root_spec_id,
      actual_root_spec_id: actual,
      root_idea_id: d.root_idea_id,
      spec_id: d.spec_id,
      diagnostic_reason: reason,
    });
  }
  return findings.sort((a, b) => a.path.localeCompare(b.path) || a.work_item_id.localeCompare(b.work_item_id));
}

export type CompletionTargetSelection =
  | { kind: 'none'; reason: 'no_candidate' | 'target_closed' }
  | { kind: 'missing_root_lineage'; spec: LineageDocument }
  | { kind: 'use'; target: ClosureTarget }
  | { kind: 'backfill'; spec: LineageDocument; rootSpecId: string; rootIdeaId: string };

const isRootSpecCandidate = (d: LineageDocument) =>
  d.kind === 'spec' && ((d.root_spec_id !== null && d.id === d.root_spec_id) || (isSeedSource(d) && hasNoParent(d)));

/**
 * Which target completion works on when nothing was claimed (routing.md §9.4 steps 2-3).
 * With no open target, the newest root-spec candidate is backfilled; a closed target is never reopened.
 */
export function selectCompletionTarget(openTarget: ClosureTarget | null, targetsByRoot: ReadonlyMap<string, ClosureTarget>, documents: readonly LineageDocument[]): CompletionTargetSelection {
  if (openTarget) return { kind: 'use', target: openTarget };
  const candidate = documents.filter(isRootSpecCandidate).sort((a, b) => byCreatedThenId(b, a))[0];
  if (!candidate) return { kind: 'none', reason: 'no_candidate' };
  if (!candidate.root_spec_id || !candidate.root_idea_id) return { kind: 'missing_root_lineage', spec: candidate };
  const existing = targetsByRoot.get(candidate.root_spec_id);
  if (existing) return existing.closure_open ? { kind: 'use', target: existing } : { kind: 'none', reason: 'target_closed' };
  return { kind: 'backfill', spec: candidate, rootSpecId: candidate.root_spec_id, rootIdeaId: candidate.root_idea_id };
}

/** Failure classes that mean "the last Arbiter pass ended blocked; wait for the operator". */
const ARBITER_HOLD_CLASSES = [ARBITER_BLOCKED_FAILURE_CLASS, REPEATED_REMEDIATION_FAILURE_CLASS];

export type ClosureReadiness =
  | { kind: 'lineage_work'; target: ClosureTarget; blockingWorkIds: string[] }
  | { kind: 'drift'; target: ClosureTarget; findings: LineageDriftFinding[] }
  | { kind: 'hold_blocked'; target: ClosureTarget; failureClass: string }
  | { kind: 'activate_arbiter'; target: ClosureTarget };

/**
 * Whether the Arbiter may run on `target` now (routing.md §9.4 steps 4-6). The returned target carries
 * the readiness fields to persist. Unlike the reference, a target whose last Arbiter pass ended BLOCKED
 * (planning marker still `### BLOCKED` with that failure class) is held instead of re-running the
 * Arbiter every tick; `clear-stale-state` or a new lineage document releases it.
 */
export function decideClosureReadiness(
  target: ClosureTarget,
  documents: readonly LineageDocument[],
  planning: { marker: string; currentFailureClass: string | null },
): ClosureReadiness {
  const blocking = selectOpenLineageWork(target.root_spec_id, documents);
  const updated: ClosureTarget = { ...target, closure_blocked_by_lineage_work: blocking.length > 0, blocking_work_ids: blocking };
  if (blocking.length > 0) return { kind: 'lineage_work', target: updated, blockingWorkIds: blocking };
  const findings = detectLineageDrift(target, documents);
  if (findings.length > 0) {
    return { kind: 'drift', target: { ...updated, closure_blocked_by_lineage_work: true, blocking_work_ids: findings.map((f) => f.work_item_id) }, findings };
  }
  const fc = planning.currentFailureClass;
  if (planning.marker.trim() === '### BLOCKED' && fc !== null && ARBITER_HOLD_CLASSES.includes(fc) && target.last_arbiter_run_id !== null) {
    return { kind: 'hold_blocked', target: updated, failureClass: fc };
  }
  return { kind: 'activate_arbiter', target: updated };
}

/** Should a "completion blocked" signal change anything, or is planning already blocked for the same reason? */
export function completionBlockIsNew(planning: { marker: string; currentFailureClass: string | null }, failureClass: string): boolean {
  return !(planning.marker.trim() === '### BLOCKED' && planning.currentFailureClass === failureClass);
}

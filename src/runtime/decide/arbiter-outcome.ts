import type { ClosureTarget } from '../../contracts/closure-target.js';
import { ARBITER_BLOCKED_FAILURE_CLASS, ARBITER_REMEDIATION_FAILURE_CLASS, REPEATED_REMEDIATION_FAILURE_CLASS } from './closure.js';

/** Pure decisions for an Arbiter (closure_target) result (routing.md §6, §9.7-9.8). */

export type ArbiterOutcome = 'ARBITER_COMPLETE' | 'REMEDIATION_NEEDED' | 'BLOCKED';

export type ArbiterOutcomeInput = {
  target: ClosureTarget;
  outcome: ArbiterOutcome;
  runId: string;
  now: string;
  /** Workspace-relative path of the verdict file if the Arbiter wrote one, else null. */
  verdictPath: string | null;
  /** Workspace-relative path of the copied report if there was one, else null. */
  reportPath: string | null;
  /** Decision failure class for BLOCKED (resolved by the router); defaults to `arbiter_blocked`. */
  blockedFailureClass?: string | null;
  /** Result of `remediationGuardFires` for this run. */
  guardFires: boolean;
};

export type ArbiterOutcomeDecision = {
  target: ClosureTarget;
  effect: 'closed' | 'remediation_incident' | 'remediation_guard_blocked' | 'blocked';
  /** Failure class the planning run is cleared with. */
  failureClass: string | null;
  /** The planning marker to write, or null to keep the terminal marker. */
  planningMarker: '### IDLE' | '### BLOCKED' | null;
};

/** How an Arbiter result changes its closure target (routing.md §9.7-9.8). */
export function decideArbiterOutcome(input: ArbiterOutcomeInput): ArbiterOutcomeDecision {
  const common: ClosureTarget = {
    ...input.target,
    latest_verdict_path: input.verdictPath,
    latest_report_path: input.reportPath,
    last_arbiter_run_id: input.runId,
    closure_blocked_by_lineage_work: false,
    blocking_work_ids: [],
  };
  switch (input.outcome) {
    case 'ARBITER_COMPLETE':
      return { target: { ...common, closure_open: false, closed_at: input.now }, effect: 'closed', failureClass: null, planningMarker: '### IDLE' };
    case 'REMEDIATION_NEEDED': {
      const open = { ...common, closure_open: true, closed_at: null };
      return input.guardFires
        ? { target: open, effect: 'remediation_guard_blocked', failureClass: REPEATED_REMEDIATION_FAILURE_CLASS, planningMarker: '### BLOCKED' }
        : { target: open, effect: 'remediation_incident', failureClass: ARBITER_REMEDIATION_FAILURE_CLASS, planningMarker: null };
    }
    case 'BLOCKED':
      return {
        target: { ...common, closure_open: true, closed_at: null },
        effect: 'blocked',
        failureClass: input.blockedFailureClass || ARBITER_BLOCKED_FAILURE_CLASS,
        planningMarker: null,
      };
  }
}

export type RuntimeEventLike = { event_type: string; data: Record<string, unknown> };

/**
 * The repeated-remediation guard (routing.md §9.8): true when no execution stage completed since the
 * previous Arbiter run. A missing history (the previous run never appears) also fires, as in the spec.
 */
export function remediationGuardFires(events: readonly RuntimeEventLike[], previousArbiterRunId: string | null): boolean {
  if (previousArbiterRunId === null) return false;
  const first = events.findIndex((e) => e.data.run_id === previousArbiterRunId);
  if (first < 0) return true;
  return !events
    .slice(first + 1)
    .some((e) => e.data.run_id !== previousArbiterRunId && e.event_type === 'stage_completed' && e.data.plane === 'execution');
}

export type ArbiterGapIncidentInput = {
  target: Pick<ClosureTarget, 'root_spec_id' | 'root_idea_id'>;
  runId: string;
  now: string;
  /** 8 hex characters, supplied by the caller. */
  suffix: string;
  notes: readonly string[];
  evidencePaths: readonly string[];
  lastStageResultPath: string | null;
};

/** Fields of the planning incident a REMEDIATION_NEEDED verdict enqueues (routing.md §6, Arbiter column). */
export function buildArbiterGapIncident(input: ArbiterGapIncidentInput) {
  const root = input.target.root_spec_id;
  return {
    incident_id: `arbiter-gap-${root}-${input.suffix}`,
    title: `Arbiter remediation for ${root}`,
    summary: `Arbiter found parity gaps for root spec ${root}; planning remediation required.`,
    root_idea_id: input.target.root_idea_id,
    root_spec_id: root,
    source_task_id: null,
    source_spec_id: root,
    source_stage: 'arbiter' as const,
    source_plane: 'planning' as const,
    failure_class: ARBITER_REMEDIATION_FAILURE_CLASS,
    severity: 'high' as const,
    needs_planning: true as const,
    trigger_reason: 'arbiter_remediation_needed',
    consultant_decision: 'needs_planning' as const,
    observed_symptoms: [...input.notes],
    failed_attempts: [] as string[],
    evidence_paths: [...new Set(input.evidencePaths.filter((p) => p.trim() !== ''))],
    related_run_ids: [input.runId],
    related_stage_results: input.lastStageResultPath ? [input.lastStageResultPath] : [],
    references: [] as string[],
    opened_at: input.now,
    opened_by: 'runtime' as const,
  };
}
export type ArbiterGapIncident = ReturnType<typeof buildArbiterGapIncident>;

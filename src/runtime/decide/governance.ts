import type { UsageGovernanceConfig } from '../../contracts/config.js';
import type { RuntimeSnapshot } from '../../contracts/runtime-state.js';
import { budgetLimitsOf, decideGovernance, describeBudget, emptyGovernanceState, evaluateBudgets, nextAutoResumeAt, type BudgetStatus, type GovernanceState } from '../../contracts/usage-budgets.js';
import type { UsageRecord } from '../../contracts/usage.js';
import { addPauseSource, removePauseSource } from '../control/pause-sources.js';
import { blockedInstead, type RouterDecision } from './route.js';

/** The failure class of an item blocked by a per-item budget. */
export const USAGE_BUDGET_FAILURE_CLASS = 'usage_budget_exceeded';

export type GovernanceOutcome = {
  snapshot: RuntimeSnapshot;
  /** Whether the snapshot differs (and needs saving). */
  changed: boolean;
  event: { type: 'usage_governance_paused' | 'usage_governance_resumed'; data: Record<string, unknown> } | null;
};

/** Same blockers and overrides; a rolling window's start moves with the clock and alone is no change worth a save. */
const sameState = (a: GovernanceState, b: GovernanceState): boolean => {
  const key = (g: GovernanceState) => JSON.stringify([g.blockers.map((b) => ({ ...b, window_start: null })), g.overridden_limit_ids]);
  return key(a) === key(b);
};

/**
 * Pure: one governance evaluation between stages. Adds or removes only the `usage_governance` pause source (an
 * operator pause is never touched); a disabled governance lifts its own pause.
 */
export function governUsage(snapshot: RuntimeSnapshot, governance: UsageGovernanceConfig | undefined, records: readonly UsageRecord[], now: Date, sessionStart: Date | null): GovernanceOutcome {
  const paused = snapshot.pause_sources.includes('usage_governance');
  const evaluatedAt = now.toISOString();
  if (!governance?.enabled) {
    const cleared = { ...removePauseSource(snapshot, 'usage_governance').snapshot, usage_governance: emptyGovernanceState() };
    return { snapshot: cleared, changed: paused || !sameState(snapshot.usage_governance, cleared.usage_governance), event: paused ? { type: 'usage_governance_resumed', data: { reason: 'governance_disabled' } } : null };
  }
  const statuses = evaluateBudgets({ records, limits: budgetLimitsOf(governance), now, sessionStart });
  const decision = decideGovernance({ statuses, paused, overriddenLimitIds: snapshot.usage_governance.overridden_limit_ids, autoResume: governance.auto_resume });
  const state: GovernanceState = { blockers: decision.blockers, overridden_limit_ids: decision.overridden_limit_ids, evaluated_at: evaluatedAt };
  let next: RuntimeSnapshot = { ...snapshot, usage_governance: state };
  let event: GovernanceOutcome['event'] = null;
  if (decision.action === 'pause') {
    next = addPauseSource(next, 'usage_governance').snapshot;
    event = { type: 'usage_governance_paused', data: { blockers: decision.blockers, summary: decision.blockers.map(describeBudget), next_auto_resume_at: nextAutoResumeAt(decision.blockers, governance.auto_resume) } };
  } else if (decision.action === 'resume') {
    next = removePauseSource(next, 'usage_governance').snapshot;
    event = { type: 'usage_governance_resumed', data: { reason: 'limits_reset' } };
  }
  const changed = event !== null || !sameState(snapshot.usage_governance, state);
  return { snapshot: changed ? next : snapshot, changed, event };
}

/** Pure: a `run_stage` decision for an item over a per-item budget becomes `blocked` with a failure class naming it. */
export function itemBudgetDecision(decision: RouterDecision, reached: readonly BudgetStatus[]): RouterDecision {
  if (decision.action !== 'run_stage' || reached.length === 0) return decision;
  return blockedInstead(decision, {
    reason: `${USAGE_BUDGET_FAILURE_CLASS}:${reached.map((s) => s.id).join(',')}`,
    failure_class: USAGE_BUDGET_FAILURE_CLASS,
    counter_key: null,
    create_incident: false,
  });
}

/** What the live view shows for a governance pause: the blockers and when the pause lifts by itself. */
export function governancePausePayload(snapshot: RuntimeSnapshot, governance: UsageGovernanceConfig | undefined): Record<string, unknown> {
  const blockers = snapshot.usage_governance.blockers;
  return { blockers, summary: blockers.map(describeBudget), next_auto_resume_at: nextAutoResumeAt(blockers, governance?.auto_resume ?? true) };
}

export type OperatorResume = {
  snapshot: RuntimeSnapshot;
  /** The operator's own pause source was removed. */
  operatorRemoved: boolean;
  /** The governance pause was lifted (forced, or its limits had already reset). */
  governanceRemoved: boolean;
  /** The blockers that keep the governance pause (resume without --force); empty when nothing was refused. */
  refusedBy: BudgetStatus[];
};

/**
 * Pure: an operator's `resume`. It always removes the operator source; the `usage_governance` source only goes with
 * `force` (its blockers become overrides, lasting until each limit is no longer reached) or when no blocker is left
 * (limits reset while `auto_resume = false`).
 */
export function decideOperatorResume(snapshot: RuntimeSnapshot, force: boolean): OperatorResume {
  const { snapshot: withoutOperator, changed: operatorRemoved } = removePauseSource(snapshot, 'operator');
  const governance = withoutOperator.usage_governance;
  if (!withoutOperator.pause_sources.includes('usage_governance')) return { snapshot: withoutOperator, operatorRemoved, governanceRemoved: false, refusedBy: [] };
  if (!force && governance.blockers.length > 0) return { snapshot: withoutOperator, operatorRemoved, governanceRemoved: false, refusedBy: governance.blockers };
  const overridden = [...new Set([...governance.overridden_limit_ids, ...(force ? governance.blockers.map((b) => b.id) : [])])];
  const lifted = { ...removePauseSource(withoutOperator, 'usage_governance').snapshot, usage_governance: { ...governance, blockers: [], overridden_limit_ids: overridden } };
  return { snapshot: lifted, operatorRemoved, governanceRemoved: true, refusedBy: [] };
}

/** One line for a refused resume: which limits hold the pause, until when, and how to override. */
export function resumeRefusalLine(blockers: readonly BudgetStatus[], autoResume = true): string {
  const resumeAt = nextAutoResumeAt(blockers, autoResume);
  return `usage governance pause kept: ${blockers.map(describeBudget).join('; ')}${resumeAt ? `; resumes automatically at ${resumeAt}` : ''}; \`millrace resume --force\` overrides it`;
}

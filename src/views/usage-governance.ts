import type { UsageGovernanceConfig } from '../contracts/config.js';
import type { LockInspection, RuntimeSnapshot } from '../contracts/runtime-state.js';
import { budgetLimitsOf, describeBudget, evaluateBudgets, evaluateItemBudgets, nextAutoResumeAt, type BudgetStatus } from '../contracts/usage-budgets.js';
import type { UsageRecord } from '../contracts/usage.js';

/** Budgets (docs/observability.md): why governance paused the runtime, and every limit's use now. */
export type UsageGovernanceView = {
  /** From the config; when it does not load, whether the snapshot holds governance state. */
  enabled: boolean;
  auto_resume: boolean;
  /** The `usage_governance` pause source is set. */
  paused: boolean;
  /** The limits that paused the runtime, as the runtime last evaluated them (snapshot). */
  blockers: DescribedBudget[];
  auto_resume_possible: boolean;
  next_auto_resume_at: string | null;
  /** Limits the operator overrode with `resume --force` (until each is no longer reached). */
  overridden_limit_ids: string[];
  /** Every configured limit evaluated now from the ledger (per-item limits for the active items). */
  budgets: DescribedBudget[];
  /** Why `budgets` is empty although limits are configured (an unreadable ledger). */
  budgets_error: string | null;
};

/** A budget status with its one-line summary (`burst (rolling 1m): tokens 2,200/2,000`), shared by every renderer. */
export type DescribedBudget = BudgetStatus & { summary: string };
const described = (b: BudgetStatus): DescribedBudget => ({ ...b, summary: describeBudget(b) });

const n = (v: unknown) => (v === null || v === undefined ? 'none' : String(v));

/** `ledger`: the usage ledger's records as the caller read them (status reads the ledger once for every block). */
export async function governanceView(
  ledger: Promise<readonly UsageRecord[]>,
  snapshot: RuntimeSnapshot,
  governance: UsageGovernanceConfig | null,
  lock: LockInspection,
  active: ReadonlyArray<{ work_item_kind: string | null; work_item_id: string | null }>,
): Promise<UsageGovernanceView> {
  const state = snapshot.usage_governance;
  const paused = snapshot.pause_sources.includes('usage_governance');
  const autoResume = governance?.auto_resume ?? true;
  const limits = governance ? budgetLimitsOf(governance) : [];
  let budgets: BudgetStatus[] = [];
  let budgetsError: string | null = null;
  if (limits.length > 0) {
    try {
      const records = await ledger;
      const sessionStart = lock.state === 'active' && lock.record ? new Date(lock.record.acquired_at) : null;
      budgets = evaluateBudgets({ records, limits, now: new Date(), sessionStart });
      const items = new Map(active.filter((a) => a.work_item_kind && a.work_item_id).map((a) => [`${a.work_item_kind}:${a.work_item_id}`, { kind: a.work_item_kind as string, id: a.work_item_id as string }]));
      for (const item of items.values()) budgets.push(...evaluateItemBudgets(records, limits, item));
    } catch (error) {
      budgetsError = error instanceof Error ? error.message : String(error);
    }
  }
  const nextResume = paused ? nextAutoResumeAt(state.blockers, autoResume) : null;
  return {
    enabled: governance ? governance.enabled : paused || state.blockers.length > 0,
    auto_resume: autoResume,
    paused,
    blockers: state.blockers.map(described),
    auto_resume_possible: !paused || nextResume !== null,
    next_auto_resume_at: nextResume,
    overridden_limit_ids: state.overridden_limit_ids,
    budgets: budgets.map(described),
    budgets_error: budgetsError,
  };
}

/** Status lines of the governance block (control-and-inspection.md §6 names, plus one line per blocker and budget). */
export function governanceLines(g: UsageGovernanceView): string[] {
  const lines = [
    `usage_governance_enabled: ${g.enabled}`,
    `usage_governance_paused: ${g.paused}`,
    `usage_governance_blocker_count: ${g.blockers.length}`,
    `usage_governance_auto_resume_possible: ${g.auto_resume_possible}`,
    `usage_governance_next_auto_resume_at: ${n(g.next_auto_resume_at)}`,
    'usage_governance_subscription_status: disabled',
  ];
  for (const b of g.blockers) lines.push(`usage_governance_blocker: ${b.summary}; resets_at=${n(b.resets_at)}`);
  if (g.overridden_limit_ids.length > 0) lines.push(`usage_governance_overridden: ${g.overridden_limit_ids.join(',')}`);
  for (const b of g.budgets) lines.push(`usage_budget: ${b.summary}${b.work_item_id ? ` item=${b.work_item_id}` : ''}; reached=${b.reached}${b.reached ? ` resets_at=${n(b.resets_at)}` : ''}`);
  if (g.budgets_error) lines.push(`usage_budget_error: ${g.budgets_error}`);
  return lines;
}

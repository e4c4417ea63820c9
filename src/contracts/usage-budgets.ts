import * as z from '@millrace/plugin-api/zod';
import { BUDGET_WINDOWS, type BudgetWindow, type UsageGovernanceConfig } from './config.js';
import type { UsageRecord } from './usage.js';
import { groupedInteger } from './number-text.js';

/**
 * Budgets (docs/observability.md): pure rules over usage ledger records, a clock and the configured limits. The
 * runtime pauses on them and status reports them, so both call these with the same ledger; nothing else is counted.
 */

/** One limit in the form the rules use: the reference's `runtime_token_rules` and Millrace's `limits` alike. */
export type BudgetLimit = {
  id: string;
  window: BudgetWindow;
  /** Rolling windows only. */
  window_seconds: number | null;
  max_tokens: number | null;
  max_cost_usd: number | null;
};

/** How much of one limit is used now, whether it is reached, and when it stops being reached by time alone. */
export type BudgetStatus = BudgetLimit & {
  /** Where the counted span starts (null: a session limit with no daemon running; per-item limits have none). */
  window_start: string | null;
  used_tokens: number;
  used_cost_usd: number;
  /** Which maxima are reached (used >= max). */
  reached_by: Array<'tokens' | 'cost_usd'>;
  reached: boolean;
  /**
   * When the limit is no longer reached if nothing more is spent: the rolling window's oldest needed record leaves it,
   * or the next UTC day or week begins. Null when time alone never resets it (a daemon session, an item) or when it
   * is not reached.
   */
  resets_at: string | null;
  /** Per-item limits: the item counted. */
  work_item_id?: string;
};

/** A budget status as the snapshot keeps it (the blockers of a governance pause). */
export const BudgetStatusSchema = z.strictObject({
  id: z.string().min(1),
  window: z.enum(BUDGET_WINDOWS),
  window_seconds: z.number().positive().nullable(),
  max_tokens: z.number().int().positive().nullable(),
  max_cost_usd: z.number().positive().nullable(),
  window_start: z.iso.datetime({ offset: true }).nullable(),
  used_tokens: z.number().int().min(0),
  used_cost_usd: z.number().min(0),
  reached_by: z.array(z.enum(['tokens', 'cost_usd'])),
  reached: z.boolean(),
  resets_at: z.iso.datetime({ offset: true }).nullable(),
  work_item_id: z.string().optional(),
});

/** The snapshot's `usage_governance`: why governance paused the runtime, and the limits the operator overrode. */
export const GovernanceStateSchema = z.strictObject({
  blockers: z.array(BudgetStatusSchema).default([]),
  overridden_limit_ids: z.array(z.string().min(1)).default([]),
  evaluated_at: z.iso.datetime({ offset: true }).nullable().default(null),
});
export type GovernanceState = z.infer<typeof GovernanceStateSchema>;
export const emptyGovernanceState = (): GovernanceState => ({ blockers: [], overridden_limit_ids: [], evaluated_at: null });

const HOUR = 3600;
const DAY_MS = 86_400_000;

/** Pure: the limits a config enforces (none while governance is disabled). */
export function budgetLimitsOf(governance: UsageGovernanceConfig): BudgetLimit[] {
  if (!governance.enabled) return [];
  const rules = governance.runtime_token_rules.enabled ? governance.runtime_token_rules.rules : [];
  const fromRules = rules.map((r): BudgetLimit => {
    const window: BudgetWindow = r.window === 'rolling_5h' ? 'rolling' : r.window === 'per_run' ? 'per_item' : r.window;
    return { id: r.rule_id, window, window_seconds: r.window === 'rolling_5h' ? 5 * HOUR : null, max_tokens: r.threshold, max_cost_usd: null };
  });
  const own = governance.limits.map(
    (l): BudgetLimit => ({
      id: l.id,
      window: l.window,
      window_seconds: l.window === 'rolling' ? (l.window_seconds ?? Math.round((l.window_hours ?? 0) * HOUR)) : null,
      max_tokens: l.max_tokens ?? null,
      max_cost_usd: l.max_cost_usd ?? null,
    }),
  );
  return [...fromRules, ...own];
}

/** Start of the UTC day holding `now`. */
export function utcDayStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** Start of the ISO week (Monday 00:00 UTC) holding `now`. */
export function utcWeekStart(now: Date): Date {
  const day = utcDayStart(now);
  return new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * DAY_MS);
}

const tokensOf = (r: UsageRecord): number => r.token_usage?.total_tokens ?? 0;
const costOf = (r: UsageRecord): number => r.cost_usd ?? 0;
const round6 = (n: number): number => Math.round(n * 1e6) / 1e6;
const at = (r: UsageRecord): number => Date.parse(r.recorded_at);

function reachedBy(limit: BudgetLimit, tokens: number, cost: number): Array<'tokens' | 'cost_usd'> {
  const by: Array<'tokens' | 'cost_usd'> = [];
  if (limit.max_tokens !== null && tokens >= limit.max_tokens) by.push('tokens');
  if (limit.max_cost_usd !== null && round6(cost) >= limit.max_cost_usd) by.push('cost_usd');
  return by;
}

function statusOf(limit: BudgetLimit, records: readonly UsageRecord[], windowStart: Date | null, resetsAt: (reached: boolean) => Date | null): BudgetStatus {
  const tokens = records.reduce((sum, r) => sum + tokensOf(r), 0);
  const cost = round6(records.reduce((sum, r) => sum + costOf(r), 0));
  const by = reachedBy(limit, tokens, cost);
  const reset = by.length > 0 ? resetsAt(true) : null;
  return { ...limit, window_start: windowStart?.toISOString() ?? null, used_tokens: tokens, used_cost_usd: cost, reached_by: by, reached: by.length > 0, resets_at: reset?.toISOString() ?? null };
}

/** A rolling window frees up as its oldest records age out: the first moment the rest is under every maximum. */
function rollingReset(limit: BudgetLimit, inWindow: readonly UsageRecord[], seconds: number): Date | null {
  const sorted = [...inWindow].sort((a, b) => at(a) - at(b));
  let tokens = sorted.reduce((sum, r) => sum + tokensOf(r), 0);
  let cost = sorted.reduce((sum, r) => sum + costOf(r), 0);
  for (const r of sorted) {
    tokens -= tokensOf(r);
    cost -= costOf(r);
    if (reachedBy(limit, tokens, cost).length === 0) return new Date(at(r) + seconds * 1000);
  }
  return null;
}

/**
 * Pure: the status of every limit that applies to the whole runtime (rolling, UTC day, ISO week, daemon session).
 * A rolling window holds the records of the last `window_seconds` (recorded_at > now - window); a day or week holds
 * those from its UTC start on; a session those since `sessionStart` (none when no daemon runs).
 */
export function evaluateBudgets(input: { records: readonly UsageRecord[]; limits: readonly BudgetLimit[]; now: Date; sessionStart: Date | null }): BudgetStatus[] {
  const { records, now } = input;
  const since = (start: number, strict = false) => records.filter((r) => (strict ? at(r) > start : at(r) >= start));
  const statuses: BudgetStatus[] = [];
  for (const limit of input.limits) {
    switch (limit.window) {
      case 'rolling': {
        const seconds = limit.window_seconds ?? 0;
        const start = now.getTime() - seconds * 1000;
        const inWindow = since(start, true);
        statuses.push(statusOf(limit, inWindow, new Date(start), () => rollingReset(limit, inWindow, seconds)));
        break;
      }
      case 'calendar_day': {
        const start = utcDayStart(now);
        statuses.push(statusOf(limit, since(start.getTime()), start, () => new Date(start.getTime() + DAY_MS)));
        break;
      }
      case 'calendar_week': {
        const start = utcWeekStart(now);
        statuses.push(statusOf(limit, since(start.getTime()), start, () => new Date(start.getTime() + 7 * DAY_MS)));
        break;
      }
      case 'daemon_session':
        statuses.push(statusOf(limit, input.sessionStart ? since(input.sessionStart.getTime()) : [], input.sessionStart, () => null));
        break;
      case 'per_item':
        break;
    }
  }
  return statuses;
}

/** Pure: the per-item limits one work item has reached (all its ledger records count, across runs and stages). */
export function evaluateItemBudgets(records: readonly UsageRecord[], limits: readonly BudgetLimit[], item: { kind: string; id: string }): BudgetStatus[] {
  const mine = records.filter((r) => r.work_item_kind === item.kind && r.work_item_id === item.id);
  return limits.filter((l) => l.window === 'per_item').map((l) => ({ ...statusOf(l, mine, null, () => null), work_item_id: item.id }));
}

export type GovernanceDecision = {
  /** `pause`: add the `usage_governance` pause source; `resume`: remove it; `hold`: keep things as they are. */
  action: 'pause' | 'resume' | 'hold';
  /** Reached limits the operator has not overridden: why the runtime is (or stays) paused. */
  blockers: BudgetStatus[];
  /** Overrides still in force: an override ends once its limit is no longer reached. */
  overridden_limit_ids: string[];
};

/**
 * Pure: what governance does between stages. A reached limit pauses unless the operator overrode it (`resume
 * --force`); once nothing blocks, the pause lifts by itself with `auto_resume`, else it waits for `resume`.
 */
export function decideGovernance(input: { statuses: readonly BudgetStatus[]; paused: boolean; overriddenLimitIds: readonly string[]; autoResume: boolean }): GovernanceDecision {
  const reached = input.statuses.filter((s) => s.reached);
  const overridden = input.overriddenLimitIds.filter((id) => reached.some((s) => s.id === id));
  const blockers = reached.filter((s) => !overridden.includes(s.id));
  const action = blockers.length > 0 ? (input.paused ? 'hold' : 'pause') : input.paused && input.autoResume ? 'resume' : 'hold';
  return { action, blockers, overridden_limit_ids: overridden };
}

/** Pure: when a governance pause lifts by itself: the latest reset of its blockers; null if one never resets by time. */
export function nextAutoResumeAt(blockers: ReadonlyArray<Pick<BudgetStatus, 'resets_at'>>, autoResume: boolean): string | null {
  if (!autoResume || blockers.length === 0 || blockers.some((b) => b.resets_at === null)) return null;
  return blockers.map((b) => b.resets_at as string).sort().at(-1) ?? null;
}

const windowLabel = (s: Pick<BudgetLimit, 'window' | 'window_seconds'>): string => {
  if (s.window !== 'rolling') return s.window === 'calendar_day' ? 'UTC day' : s.window === 'calendar_week' ? 'UTC week' : s.window === 'daemon_session' ? 'daemon session' : 'per item';
  const secs = s.window_seconds ?? 0;
  return `rolling ${secs % HOUR === 0 ? `${secs / HOUR}h` : secs % 60 === 0 ? `${secs / 60}m` : `${secs}s`}`;
};

/** `five-hours (rolling 5h): tokens 812,000/750,000, cost $1.2000/$20.0000` (the used amounts of what the limit sets). */
export function describeBudget(s: BudgetStatus): string {
  const parts: string[] = [];
  if (s.max_tokens !== null) parts.push(`tokens ${groupedInteger(s.used_tokens)}/${groupedInteger(s.max_tokens)}`);
  if (s.max_cost_usd !== null) parts.push(`cost $${s.used_cost_usd.toFixed(4)}/$${s.max_cost_usd.toFixed(4)}`);
  return `${s.id} (${windowLabel(s)}): ${parts.join(', ')}`;
}

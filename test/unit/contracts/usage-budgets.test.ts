import { MillraceConfigSchema, UsageGovernanceConfigSchema } from '../../../src/contracts/config.js';
import { bootstrapSnapshot, StoredRuntimeSnapshotSchema } from '../../../src/contracts/runtime-state.js';
import type { UsageRecord } from '../../../src/contracts/usage.js';
import { budgetLimitsOf, decideGovernance, evaluateBudgets, evaluateItemBudgets, nextAutoResumeAt, utcWeekStart, type BudgetLimit } from '../../../src/contracts/usage-budgets.js';
import { decideOperatorResume, governUsage, itemBudgetDecision } from '../../../src/runtime/decide/governance.js';
import type { RouterDecision } from '../../../src/runtime/decide/route.js';
import { usageRecord } from '../../support/usage-records.js';

let seq = 0;
function record(at: string, tokens: number, extra: Partial<UsageRecord> = {}): UsageRecord {
  seq++;
  return usageRecord(at, tokens, { run_id: `run-${seq}`, request_id: `request-${seq}`, ...extra });
}

const limit = (l: Partial<BudgetLimit> & Pick<BudgetLimit, 'id' | 'window'>): BudgetLimit => ({ window_seconds: null, max_tokens: null, max_cost_usd: null, ...l });
const one = (records: UsageRecord[], l: BudgetLimit, now: string, sessionStart: Date | null = null) => evaluateBudgets({ records, limits: [l], now: new Date(now), sessionStart })[0]!;

describe('budget limits from config', () => {
  it('maps the reference rules and our limits; nothing while disabled', () => {
    const g = UsageGovernanceConfigSchema.parse({
      enabled: true,
      runtime_token_rules: { rules: [{ rule_id: 'r5', window: 'rolling_5h', threshold: 10 }, { rule_id: 'run', window: 'per_run', threshold: 5 }] },
      limits: [{ id: 'day', window: 'calendar_day', max_cost_usd: 2.5 }, { id: 'quick', window: 'rolling', window_hours: 0.5, max_tokens: 3 }],
    });
    expect(budgetLimitsOf(g)).toEqual([
      { id: 'r5', window: 'rolling', window_seconds: 18000, max_tokens: 10, max_cost_usd: null },
      { id: 'run', window: 'per_item', window_seconds: null, max_tokens: 5, max_cost_usd: null },
      { id: 'day', window: 'calendar_day', window_seconds: null, max_tokens: null, max_cost_usd: 2.5 },
      { id: 'quick', window: 'rolling', window_seconds: 1800, max_tokens: 3, max_cost_usd: null },
    ]);
    expect(budgetLimitsOf({ ...g, enabled: false })).toEqual([]);
    expect(budgetLimitsOf({ ...g, runtime_token_rules: { ...g.runtime_token_rules, enabled: false } }).map((l) => l.id)).toEqual(['day', 'quick']);
  });

  it('refuses limits that cannot mean anything', () => {
    const issues = (limits: unknown[], extra: Record<string, unknown> = {}) => {
      const parsed = MillraceConfigSchema.safeParse({ usage_governance: { enabled: true, limits, ...extra } });
      return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues([{ id: 'a', window: 'calendar_day' }])).toEqual(['usage_governance.limits.0.max_tokens: set max_tokens, max_cost_usd or both']);
    expect(issues([{ id: 'a', window: 'rolling', max_tokens: 1 }])).toEqual(['usage_governance.limits.0.window_hours: a rolling window needs exactly one of window_hours or window_seconds']);
    expect(issues([{ id: 'a', window: 'calendar_week', window_seconds: 5, max_tokens: 1 }])).toEqual(['usage_governance.limits.0.window_seconds: only a rolling window has a length (window is calendar_week)']);
    expect(issues([{ id: 'rolling-5h-default', window: 'daemon_session', max_tokens: 1 }])).toEqual(['usage_governance.limits.0.id: duplicate limit id "rolling-5h-default"']);
    expect(issues([], { calendar_timezone: 'Europe/Paris' })).toEqual(['usage_governance.calendar_timezone: only "UTC" is supported (calendar days and weeks are UTC)']);
    expect(issues([{ id: 'a', window: 'per_item', max_cost_usd: 0.5 }])).toEqual([]);
  });
});

describe('budget evaluation with an injected clock', () => {
  const rolling = limit({ id: 'five-hours', window: 'rolling', window_seconds: 5 * 3600, max_tokens: 1000 });

  it('a rolling window counts only the last hours and resets when its oldest needed record ages out', () => {
    const records = [record('2026-03-02T08:00:00.000Z', 500), record('2026-03-02T10:00:00.000Z', 400), record('2026-03-02T11:00:00.000Z', 300)];
    const at12 = one(records, rolling, '2026-03-02T12:00:00.000Z');
    expect(at12).toMatchObject({ used_tokens: 1200, reached: true, reached_by: ['tokens'], window_start: '2026-03-02T07:00:00.000Z' });
    // Dropping the 08:00 record (500) leaves 700 < 1000: free again at 08:00 + 5h.
    expect(at12.resets_at).toBe('2026-03-02T13:00:00.000Z');
    const justBefore = one(records, rolling, '2026-03-02T12:59:59.999Z');
    expect(justBefore.reached).toBe(true);
    const rolledOver = one(records, rolling, '2026-03-02T13:00:00.000Z');
    expect(rolledOver).toMatchObject({ used_tokens: 700, reached: false, resets_at: null });
  });

  it('a rolling reset waits for as many records as it takes to get under the limit', () => {
    const records = [record('2026-03-02T08:00:00.000Z', 100), record('2026-03-02T09:00:00.000Z', 100), record('2026-03-02T11:00:00.000Z', 950)];
    // Without the 08:00 record 1,050 is still over; without the 09:00 one too, 950 is under: free at 09:00 + 5h.
    expect(one(records, rolling, '2026-03-02T12:00:00.000Z').resets_at).toBe('2026-03-02T14:00:00.000Z');
  });

  it('a UTC day resets at midnight; a record just before it does not count after it', () => {
    const day = limit({ id: 'day', window: 'calendar_day', max_tokens: 100 });
    const records = [record('2026-03-02T23:59:59.000Z', 150)];
    expect(one(records, day, '2026-03-02T23:59:59.500Z')).toMatchObject({ used_tokens: 150, reached: true, resets_at: '2026-03-03T00:00:00.000Z', window_start: '2026-03-02T00:00:00.000Z' });
    expect(one(records, day, '2026-03-03T00:00:00.000Z')).toMatchObject({ used_tokens: 0, reached: false });
  });

  it('a week is the ISO week from Monday 00:00 UTC', () => {
    expect(utcWeekStart(new Date('2026-03-08T23:00:00Z')).toISOString()).toBe('2026-03-02T00:00:00.000Z'); // a Sunday
    expect(utcWeekStart(new Date('2026-03-09T00:00:00Z')).toISOString()).toBe('2026-03-09T00:00:00.000Z'); // a Monday
    const week = limit({ id: 'week', window: 'calendar_week', max_cost_usd: 1 });
    const records = [record('2026-03-01T12:00:00.000Z', 0, { cost_usd: 5 }), record('2026-03-02T01:00:00.000Z', 0, { cost_usd: 0.6 }), record('2026-03-06T01:00:00.000Z', 0, { cost_usd: 0.4 })];
    expect(one(records, week, '2026-03-08T23:59:59.000Z')).toMatchObject({ used_cost_usd: 1, reached: true, reached_by: ['cost_usd'], resets_at: '2026-03-09T00:00:00.000Z' });
    expect(one(records, week, '2026-03-09T00:00:00.000Z')).toMatchObject({ used_cost_usd: 0, reached: false });
  });

  it('a daemon session counts from its start and never resets by time; no session counts nothing', () => {
    const session = limit({ id: 'session', window: 'daemon_session', max_tokens: 100 });
    const records = [record('2026-03-02T08:00:00.000Z', 500), record('2026-03-02T09:00:00.000Z', 100)];
    expect(one(records, session, '2026-03-02T10:00:00.000Z', new Date('2026-03-02T08:30:00.000Z'))).toMatchObject({ used_tokens: 100, reached: true, resets_at: null });
    expect(one(records, session, '2026-03-02T10:00:00.000Z', null)).toMatchObject({ used_tokens: 0, reached: false, window_start: null });
  });

  it('per-item limits count every record of that item only', () => {
    const perItem = limit({ id: 'item', window: 'per_item', max_tokens: 200 });
    const records = [record('2026-03-02T08:00:00.000Z', 150), record('2026-03-02T09:00:00.000Z', 60), record('2026-03-02T09:00:00.000Z', 900, { work_item_id: 'task-b' })];
    expect(evaluateItemBudgets(records, [perItem], { kind: 'task', id: 'task-a' })[0]).toMatchObject({ used_tokens: 210, reached: true, work_item_id: 'task-a' });
    expect(evaluateItemBudgets(records, [perItem], { kind: 'spec', id: 'task-a' })[0]).toMatchObject({ used_tokens: 0, reached: false });
    expect(evaluateBudgets({ records, limits: [perItem], now: new Date('2026-03-02T10:00:00Z'), sessionStart: null })).toEqual([]);
  });
});

describe('governance decisions', () => {
  const rolling = limit({ id: 'w', window: 'rolling', window_seconds: 60, max_tokens: 100 });
  const statusAt = (now: string, records: UsageRecord[]) => evaluateBudgets({ records, limits: [rolling], now: new Date(now), sessionStart: null });
  const records = [record('2026-03-02T10:00:00.000Z', 150)];

  it('pauses on a reached limit, holds, then resumes by itself when the window rolls over (auto_resume)', () => {
    const reached = statusAt('2026-03-02T10:00:30.000Z', records);
    expect(decideGovernance({ statuses: reached, paused: false, overriddenLimitIds: [], autoResume: true })).toMatchObject({ action: 'pause', blockers: [{ id: 'w', resets_at: '2026-03-02T10:01:00.000Z' }] });
    expect(decideGovernance({ statuses: reached, paused: true, overriddenLimitIds: [], autoResume: true }).action).toBe('hold');
    const later = statusAt('2026-03-02T10:01:00.000Z', records);
    expect(decideGovernance({ statuses: later, paused: true, overriddenLimitIds: [], autoResume: true })).toEqual({ action: 'resume', blockers: [], overridden_limit_ids: [] });
    expect(decideGovernance({ statuses: later, paused: true, overriddenLimitIds: [], autoResume: false }).action).toBe('hold');
  });

  it('an override holds while its limit stays reached and ends once it is not', () => {
    const reached = statusAt('2026-03-02T10:00:30.000Z', records);
    expect(decideGovernance({ statuses: reached, paused: false, overriddenLimitIds: ['w'], autoResume: true })).toEqual({ action: 'hold', blockers: [], overridden_limit_ids: ['w'] });
    expect(decideGovernance({ statuses: statusAt('2026-03-02T10:02:00.000Z', records), paused: false, overriddenLimitIds: ['w'], autoResume: true }).overridden_limit_ids).toEqual([]);
  });

  it('next auto resume is the latest blocker reset, none when one never resets', () => {
    expect(nextAutoResumeAt([{ resets_at: '2026-03-02T10:00:00.000Z' }, { resets_at: '2026-03-02T11:00:00.000Z' }], true)).toBe('2026-03-02T11:00:00.000Z');
    expect(nextAutoResumeAt([{ resets_at: '2026-03-02T10:00:00.000Z' }, { resets_at: null }], true)).toBeNull();
    expect(nextAutoResumeAt([{ resets_at: '2026-03-02T10:00:00.000Z' }], false)).toBeNull();
  });

  it('governUsage sets only the usage_governance source; an operator pause survives its resume', () => {
    const governance = UsageGovernanceConfigSchema.parse({ enabled: true, runtime_token_rules: { enabled: false }, limits: [{ id: 'w', window: 'rolling', window_seconds: 60, max_tokens: 100 }] });
    const operatorPaused = { ...bootstrapSnapshot(new Date('2026-03-02T10:00:00Z')), paused: true, pause_sources: ['operator' as const] };
    const paused = governUsage(operatorPaused, governance, records, new Date('2026-03-02T10:00:30Z'), null);
    expect(paused.event?.type).toBe('usage_governance_paused');
    expect(paused.snapshot.pause_sources).toEqual(['operator', 'usage_governance']);
    expect(paused.snapshot.usage_governance.blockers.map((b) => b.id)).toEqual(['w']);
    expect(governUsage(paused.snapshot, governance, records, new Date('2026-03-02T10:00:40Z'), null).changed).toBe(false);
    const rolled = governUsage(paused.snapshot, governance, records, new Date('2026-03-02T10:01:00Z'), null);
    expect(rolled.event).toEqual({ type: 'usage_governance_resumed', data: { reason: 'limits_reset' } });
    expect(rolled.snapshot.pause_sources).toEqual(['operator']);
    expect(rolled.snapshot.paused).toBe(true);
    const disabled = governUsage(paused.snapshot, { ...governance, enabled: false }, records, new Date('2026-03-02T10:00:30Z'), null);
    expect(disabled.snapshot.pause_sources).toEqual(['operator']);
  });

  it('resume keeps a governance pause unless forced; forcing overrides the blockers', () => {
    const governance = UsageGovernanceConfigSchema.parse({ enabled: true, runtime_token_rules: { enabled: false }, limits: [{ id: 'w', window: 'rolling', window_seconds: 60, max_tokens: 100 }] });
    const both = governUsage({ ...bootstrapSnapshot(new Date()), paused: true, pause_sources: ['operator'] }, governance, records, new Date('2026-03-02T10:00:30Z'), null).snapshot;
    const plain = decideOperatorResume(both, false);
    expect(plain).toMatchObject({ operatorRemoved: true, governanceRemoved: false });
    expect(plain.refusedBy.map((b) => b.id)).toEqual(['w']);
    expect(plain.snapshot.pause_sources).toEqual(['usage_governance']);
    const forced = decideOperatorResume(both, true);
    expect(forced).toMatchObject({ operatorRemoved: true, governanceRemoved: true, refusedBy: [] });
    expect(forced.snapshot).toMatchObject({ paused: false, pause_sources: [], usage_governance: { blockers: [], overridden_limit_ids: ['w'] } });
    // The override keeps the next evaluation from pausing again while the same limit is reached.
    expect(governUsage(forced.snapshot, governance, records, new Date('2026-03-02T10:00:40Z'), null).snapshot.paused).toBe(false);
  });

  it('an item over its budget is blocked instead of running another stage', () => {
    const next: RouterDecision = { action: 'run_stage', next_plane: 'execution', next_stage: 'checker', next_node_id: 'checker', next_stage_kind_id: 'checker', reason: 'builder_complete', failure_class: null, counter_key: null, create_incident: false };
    const reached = evaluateItemBudgets([record('2026-03-02T10:00:00.000Z', 150)], [limit({ id: 'item-cap', window: 'per_item', max_tokens: 100 })], { kind: 'task', id: 'task-a' });
    expect(itemBudgetDecision(next, reached)).toMatchObject({ action: 'blocked', next_stage: null, failure_class: 'usage_budget_exceeded', reason: 'usage_budget_exceeded:item-cap', create_incident: false });
    expect(itemBudgetDecision(next, [])).toBe(next);
    expect(itemBudgetDecision({ ...next, action: 'idle' }, reached).action).toBe('idle');
  });

  it('an old snapshot paused before pause sources existed reads as an operator pause', () => {
    const old: Record<string, unknown> = { ...bootstrapSnapshot(new Date()), paused: true, pause_sources: [] };
    delete old.usage_governance;
    const read = StoredRuntimeSnapshotSchema.parse(old);
    expect(read.pause_sources).toEqual(['operator']);
    expect(read.usage_governance).toEqual({ blockers: [], overridden_limit_ids: [], evaluated_at: null });
  });
});

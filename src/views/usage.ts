import { addTokenUsage, type TokenUsage } from '@millrace/plugin-api';
import type { UsageRecord } from '../contracts/usage.js';
import { MillraceError } from '../errors/index.js';
import { requireInitializedWorkspace } from '../workspace/initialized.js';
import { readUsageLedger } from '../workspace/state/usage-ledger.js';
import { groupedInteger } from '../contracts/number-text.js';

export const USAGE_GROUPS = ['item', 'stage', 'model', 'runner', 'day'] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

/** Sums over a set of ledger records. `unpriced_runs`: runs whose cost is unknown (left out of `cost_usd`). */
export type UsageTotals = TokenUsage & { runs: number; cost_usd: number; unpriced_runs: number };
export type UsageRow = UsageTotals & { key: string };
export type UsageResult = { group_by: UsageGroup; since: string | null; rows: UsageRow[]; total: UsageTotals };

const ZERO_TOKENS: TokenUsage = { input_tokens: 0, cached_input_tokens: 0, cache_write_input_tokens: 0, output_tokens: 0, thinking_tokens: 0, total_tokens: 0 };

/** Pure: the totals of some records. */
export function totalUsage(records: readonly UsageRecord[]): UsageTotals {
  let tokens = ZERO_TOKENS;
  let cost = 0;
  let unpriced = 0;
  for (const r of records) {
    if (r.token_usage) tokens = addTokenUsage(tokens, r.token_usage);
    if (r.cost_usd === null) unpriced++;
    else cost += r.cost_usd;
  }
  return { runs: records.length, ...tokens, cost_usd: Math.round(cost * 1e6) / 1e6, unpriced_runs: unpriced };
}

const keyOf = (r: UsageRecord, by: UsageGroup): string => {
  switch (by) {
    case 'item':
      return r.work_item_id ? `${r.work_item_kind ?? 'closure'}:${r.work_item_id}` : 'none';
    case 'stage':
      return `${r.plane}/${r.stage}`;
    case 'model':
      return r.model_name ?? 'unknown';
    case 'runner':
      return r.runner_name ?? 'unknown';
    case 'day':
      return r.recorded_at.slice(0, 10);
  }
};

/**
 * `--since`: an ISO date/time, or a span back from now (`90m`, `12h`, `7d`). Bad input is one line naming the flag.
 */
export function parseSince(value: string, now: Date): Date {
  const span = /^(\d+)([mhd])$/.exec(value.trim());
  if (span) return new Date(now.getTime() - Number(span[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[span[2] as 'm' | 'h' | 'd']);
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new MillraceError('USAGE', `--since: expected an ISO date/time or a span like 90m, 12h, 7d; got ${JSON.stringify(value)}`, { field: 'since' });
  return new Date(at);
}

/** Pure: group records (optionally from `since` on) by item, stage, model, runner or UTC day. Rows by total tokens, largest first; days in date order. */
export function summarizeUsage(records: readonly UsageRecord[], by: UsageGroup, since: Date | null): UsageResult {
  const kept = since ? records.filter((r) => Date.parse(r.recorded_at) >= since.getTime()) : records;
  const groups = new Map<string, UsageRecord[]>();
  for (const r of kept) {
    const key = keyOf(r, by);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const rows = [...groups].map(([key, rs]) => ({ key, ...totalUsage(rs) }));
  rows.sort(by === 'day' ? (a, b) => a.key.localeCompare(b.key) : (a, b) => b.total_tokens - a.total_tokens || a.key.localeCompare(b.key));
  return { group_by: by, since: since?.toISOString() ?? null, rows, total: totalUsage(kept) };
}

/** Pure: the status block: this daemon session (since `sessionStart`), today (UTC) and all time. */
export function usageTotalsForStatus(records: readonly UsageRecord[], now: Date, sessionStart: string | null): { session: UsageTotals | null; today: UsageTotals; all_time: UsageTotals } {
  const day = now.toISOString().slice(0, 10);
  const session = sessionStart ? records.filter((r) => Date.parse(r.recorded_at) >= Date.parse(sessionStart)) : null;
  return { session: session ? totalUsage(session) : null, today: totalUsage(records.filter((r) => r.recorded_at.startsWith(day))), all_time: totalUsage(records) };
}

/** One ledger record on the usage timeline (the Usage page's chart). */
export type UsagePoint = { recorded_at: string; plane: string; stage: string; work_item_id: string | null; total_tokens: number; cost_usd: number | null };

/** Everything the dashboard's Usage page shows, from the same grouping `millrace usage` prints. */
export type UsageOverview = { total: UsageTotals; by_stage: UsageRow[]; by_item: UsageRow[]; by_day: UsageRow[]; points: UsagePoint[] };

/** Pure: the groupings of `millrace usage --by stage|item|day` and one point per ledger record, oldest first. */
export function usageOverview(records: readonly UsageRecord[]): UsageOverview {
  const points = records
    .map((r) => ({ recorded_at: r.recorded_at, plane: r.plane, stage: r.stage, work_item_id: r.work_item_id, total_tokens: r.token_usage?.total_tokens ?? 0, cost_usd: r.cost_usd }))
    .sort((a, b) => a.recorded_at.localeCompare(b.recorded_at));
  return { total: totalUsage(records), by_stage: summarizeUsage(records, 'stage', null).rows, by_item: summarizeUsage(records, 'item', null).rows, by_day: summarizeUsage(records, 'day', null).rows, points };
}

export async function loadUsageOverview(workspace: string): Promise<UsageOverview> {
  return usageOverview(await readUsageLedger(requireInitializedWorkspace(workspace)));
}

export async function loadUsage(workspace: string, by: UsageGroup, since: string | null, now: Date): Promise<UsageResult> {
  const paths = requireInitializedWorkspace(workspace);
  return summarizeUsage(await readUsageLedger(paths), by, since === null ? null : parseSince(since, now));
}

export const formatTokens = (n: number): string => groupedInteger(n);
export const formatCost = (t: Pick<UsageTotals, 'cost_usd' | 'unpriced_runs' | 'runs'>): string =>
  t.unpriced_runs === t.runs && t.runs > 0 ? 'unpriced' : `$${t.cost_usd.toFixed(4)}${t.unpriced_runs > 0 ? ` (+${t.unpriced_runs} unpriced)` : ''}`;

/** Text table of a usage result. */
export function renderUsage(result: UsageResult): string[] {
  if (result.rows.length === 0) return [`no usage recorded${result.since ? ` since ${result.since}` : ''}`];
  const header = [result.group_by.toUpperCase(), 'RUNS', 'INPUT', 'CACHED', 'OUTPUT', 'REASONING', 'TOTAL', 'COST'];
  const line = (key: string, t: UsageTotals) => [key, String(t.runs), formatTokens(t.input_tokens), formatTokens(t.cached_input_tokens), formatTokens(t.output_tokens), formatTokens(t.thinking_tokens), formatTokens(t.total_tokens), formatCost(t)];
  const table = [header, ...result.rows.map((r) => line(r.key, r)), line('TOTAL', result.total)];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  return table.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd());
}

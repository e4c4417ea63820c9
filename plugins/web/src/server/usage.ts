import type { HostRunInspection } from '@millrace/plugin-api';

/** `cost_usd` sums the stage results the runner's harness priced (null when none was). */
type Totals = { runs: number; stages: number; input_tokens: number; cached_input_tokens: number; output_tokens: number; thinking_tokens: number; total_tokens: number; cost_usd: number | null };
const zero = (): Totals => ({ runs: 0, stages: 0, input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, thinking_tokens: 0, total_tokens: 0, cost_usd: null });

/** Token usage (and cost, where priced) grouped for the Usage page: totals, per day, per stage, per work item, and one point per stage run. */
export type UsageView = {
  totals: Totals;
  by_day: Array<{ key: string } & Totals>;
  by_stage: Array<{ key: string } & Totals>;
  by_item: Array<{ key: string } & Totals>;
  points: Array<{ completed_at: string; stage: string; work_item_id: string | null; run_id: string; total_tokens: number; cost_usd: number | null }>;
};

/** Grouping of the runs view's stage results (the same data as `runs show --json`); no file is read here. */
export function buildUsageView(runs: HostRunInspection[]): UsageView {
  const totals = zero();
  const groups = { day: new Map<string, Totals>(), stage: new Map<string, Totals>(), item: new Map<string, Totals>() };
  const points: UsageView['points'] = [];
  const add = (into: Totals, usage: NonNullable<HostRunInspection['token_usage']>, cost: number | null) => {
    into.stages += 1;
    if (cost !== null) into.cost_usd = (into.cost_usd ?? 0) + cost;
    into.input_tokens += usage.input_tokens;
    into.cached_input_tokens += usage.cached_input_tokens;
    into.output_tokens += usage.output_tokens;
    into.thinking_tokens += usage.thinking_tokens;
    into.total_tokens += usage.total_tokens;
  };
  const group = (map: Map<string, Totals>, key: string) => map.get(key) ?? map.set(key, zero()).get(key)!;
  for (const run of runs) {
    if (run.token_usage) totals.runs += 1;
    for (const result of run.stage_results) {
      if (!result.token_usage) continue;
      const cost = typeof result.cost_usd === 'number' ? result.cost_usd : null;
      add(totals, result.token_usage, cost);
      add(group(groups.day, result.completed_at.slice(0, 10)), result.token_usage, cost);
      add(group(groups.stage, result.stage), result.token_usage, cost);
      add(group(groups.item, result.work_item_id ?? '(no item)'), result.token_usage, cost);
      points.push({ completed_at: result.completed_at, stage: result.stage, work_item_id: result.work_item_id, run_id: run.run_id, total_tokens: result.token_usage.total_tokens, cost_usd: cost });
    }
  }
  const rows = (map: Map<string, Totals>) => [...map].map(([key, t]) => ({ key, ...t }));
  points.sort((a, b) => a.completed_at.localeCompare(b.completed_at));
  return {
    totals,
    by_day: rows(groups.day).sort((a, b) => a.key.localeCompare(b.key)),
    by_stage: rows(groups.stage).sort((a, b) => b.total_tokens - a.total_tokens),
    by_item: rows(groups.item).sort((a, b) => b.total_tokens - a.total_tokens),
    points,
  };
}

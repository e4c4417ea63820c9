import type { TokenUsage } from '@millrace/plugin-api';
import type { RuntimeEvent, StageResultSummary } from '../contracts/runtime-state.js';
import { stageMetadata } from '../contracts/stage-metadata.js';
import type { UsageRecord } from '../contracts/usage.js';
import type { WorkspacePaths } from '../workspace/paths.js';
import { readRuntimeEvents } from '../workspace/state/events-log.js';
import { listRunIds } from '../workspace/state/run-dirs.js';
import { readUsageLedger } from '../workspace/state/usage-ledger.js';
import { inspectRun } from './run-inspection.js';
import { formatDuration, readLiveRuns, shortRunId } from './run-list.js';
import { formatCost, formatTokens, totalUsage, type UsageTotals } from './usage.js';

/** One stage run of a work item, oldest first in the item's history. */
export type ItemHistoryEntry = {
  run_id: string;
  short_id: string;
  request_id: string;
  plane: string | null;
  stage: string;
  lane: number | null;
  started_at: string;
  completed_at: string | null;
  duration_seconds: number | null;
  /** The terminal result; `running` while it runs; `abandoned` (operator) or `unfinished` (no result was written) otherwise. */
  outcome: string;
  result_class: string | null;
  failure_class: string | null;
  /** Where the router sent the item next (from the events log): action, next stage, reason. */
  route: { action: string; next_stage: string | null; reason: string | null } | null;
  token_usage: TokenUsage | null;
  cost_usd: number | null;
};

export type ItemHistory = {
  work_item_id: string;
  entries: ItemHistoryEntry[];
  /** How many runs (claims) the item went through. */
  runs: number;
  /** Ledger totals over the item's stage runs; null when the ledger has none. */
  usage: UsageTotals | null;
};

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);

/**
 * Pure: an item's path through the stages from its stage results (the run artifacts), its ledger records (tokens, cost,
 * lane) and the events log (stages that never wrote a result, router decisions).
 */
export function buildItemHistory(id: string, results: ReadonlyArray<StageResultSummary & { run_id: string }>, records: readonly UsageRecord[], events: readonly RuntimeEvent[], liveRunIds: ReadonlySet<string>): ItemHistory {
  const mine = (data: Record<string, unknown>) => data.work_item_id === id;
  const byRequest = new Map(records.filter((r) => r.work_item_id === id).map((r) => [r.request_id, r]));
  const entries = new Map<string, ItemHistoryEntry>();
  for (const r of results) {
    if (r.work_item_id !== id || !r.request_id) continue;
    const record = byRequest.get(r.request_id);
    entries.set(r.request_id, {
      run_id: r.run_id,
      short_id: shortRunId(r.run_id),
      request_id: r.request_id,
      plane: record?.plane ?? stageMetadata(r.stage)?.plane ?? null,
      stage: r.stage,
      lane: record?.lane ?? null,
      started_at: r.started_at,
      completed_at: r.completed_at,
      duration_seconds: r.duration_seconds,
      outcome: r.terminal_result,
      result_class: r.result_class,
      failure_class: r.failure_class,
      route: null,
      token_usage: record ? record.token_usage : r.token_usage,
      cost_usd: record ? record.cost_usd : r.cost_usd,
    });
  }
  const abandoned = new Set(events.filter((e) => e.event_type === 'stage_abandoned').map((e) => str(e.data.request_id)));
  for (const e of events) {
    const requestId = str(e.data.request_id);
    const runId = str(e.data.run_id);
    if (e.event_type === 'stage_started' && mine(e.data) && requestId && runId && !entries.has(requestId)) {
      entries.set(requestId, {
        run_id: runId,
        short_id: shortRunId(runId),
        request_id: requestId,
        plane: str(e.data.plane),
        stage: str(e.data.stage) ?? 'unknown',
        lane: num(e.data.lane),
        started_at: e.occurred_at,
        completed_at: null,
        duration_seconds: null,
        outcome: abandoned.has(requestId) ? 'abandoned' : 'unfinished',
        result_class: null,
        failure_class: null,
        route: null,
        token_usage: null,
        cost_usd: null,
      });
    }
  }
  const ordered = [...entries.values()].sort((a, b) => a.started_at.localeCompare(b.started_at) || a.request_id.localeCompare(b.request_id));
  // The last unfinished stage of a run that is running now is the running stage.
  for (const runId of liveRunIds) {
    const last = ordered.filter((e) => e.run_id === runId).at(-1);
    if (last && last.outcome === 'unfinished') last.outcome = 'running';
  }
  for (const e of events) {
    if (e.event_type !== 'router_decision' || !mine(e.data)) continue;
    const target = ordered.find((h) => h.route === null && h.completed_at !== null && h.run_id === e.data.run_id && h.stage === e.data.stage && h.outcome === e.data.terminal_result);
    if (target) target.route = { action: str(e.data.action) ?? 'unknown', next_stage: str(e.data.next_stage), reason: str(e.data.reason) };
  }
  const itemRecords = records.filter((r) => r.work_item_id === id);
  return { work_item_id: id, entries: ordered, runs: new Set(ordered.map((h) => h.run_id)).size, usage: itemRecords.length ? totalUsage(itemRecords) : null };
}

/** Read the run artifacts, the ledger and the events log for one item's history. */
export async function readItemHistory(paths: WorkspacePaths, id: string): Promise<ItemHistory> {
  const [runIds, records, events, live] = await Promise.all([listRunIds(paths), readUsageLedger(paths), readRuntimeEvents(paths), readLiveRuns(paths)]);
  const results: Array<StageResultSummary & { run_id: string }> = [];
  for (const runId of runIds) {
    const run = await inspectRun(paths, runId);
    for (const r of run?.stage_results ?? []) if (r.work_item_id === id) results.push({ ...r, run_id: runId });
  }
  return buildItemHistory(id, results, records, events, new Set(live.keys()));
}

const routeText = (r: ItemHistoryEntry['route']) => (r === null ? '-' : r.action === 'run_stage' && r.next_stage ? `-> ${r.next_stage}` : r.action);

/** Text table of an item's history, oldest first, with the ledger totals. */
export function renderItemHistory(h: ItemHistory): string[] {
  if (h.entries.length === 0) return ['history: no stage has run this item'];
  const lanes = h.entries.some((e) => e.lane !== null);
  const header = ['RUN', ...(lanes ? ['LANE'] : []), 'STARTED', 'STAGE', 'RESULT', 'DURATION', 'TOKENS', 'NEXT'];
  const rows = h.entries.map((e) => [
    e.short_id,
    ...(lanes ? [e.lane === null ? '-' : String(e.lane)] : []),
    `${e.started_at.slice(0, 10)} ${e.started_at.slice(11, 19)}Z`,
    e.plane ? `${e.plane}/${e.stage}` : e.stage,
    e.failure_class ? `${e.outcome} (${e.failure_class})` : e.outcome,
    e.duration_seconds === null ? '-' : formatDuration(e.duration_seconds),
    e.token_usage && e.token_usage.total_tokens > 0 ? formatTokens(e.token_usage.total_tokens) : '-',
    routeText(e.route),
  ]);
  const table = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const right = new Set(['DURATION', 'TOKENS']);
  const lines = table.map((row) => row.map((cell, i) => (right.has(header[i]!) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd());
  const total = h.usage ? `${formatTokens(h.usage.total_tokens)} tokens, ${formatCost(h.usage)}` : 'no usage recorded';
  return [`history: ${h.entries.length} stage runs in ${h.runs} run${h.runs === 1 ? '' : 's'}; ${total}`, ...lines];
}

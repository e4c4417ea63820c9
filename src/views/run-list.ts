import type { ActiveRunState, RunInspection } from '../contracts/runtime-state.js';
import { stageMetadata } from '../contracts/stage-metadata.js';
import type { UsageRecord } from '../contracts/usage.js';
import type { WorkspacePaths } from '../workspace/paths.js';
import { inspectLock } from '../workspace/state/lock.js';
import { listRunDirs } from '../workspace/state/run-dirs.js';
import { readSnapshot } from '../workspace/state/snapshot-store.js';
import { readUsageLedger } from '../workspace/state/usage-ledger.js';
import { inspectRun } from './run-inspection.js';
import { formatTokens, parseSince, totalUsage, type UsageTotals } from './usage.js';

/** One run (one claim of a work item, possibly several stages) as `runs ls` lists it. */
export type RunListEntry = {
  run_id: string;
  /** The 8 characters the live view and the monitor print; any unique prefix resolves (see run-ref.ts). */
  short_id: string;
  /** `valid`, `incomplete` or `malformed`: the state of its stage result artifacts (runs show's `status`). */
  status: RunInspection['status'];
  /** A daemon (or `run once`) is running a stage of it now. */
  running: boolean;
  started_at: string;
  /** Null while it runs or when no stage finished. */
  completed_at: string | null;
  /** Finished: first start to last completion; running: elapsed so far. */
  duration_seconds: number;
  plane: string | null;
  /** The stage running now, else the last stage that finished. */
  stage: string | null;
  /** Every stage of the run in order (the running one last). */
  stages: string[];
  work_item_kind: string | null;
  work_item_id: string | null;
  /** The last stage's terminal result; null while the first stage runs or when none finished. */
  terminal_result: string | null;
  failure_class: string | null;
  /** The execution lane (docs/parallel.md); null in the serial runtime. */
  lane: number | null;
  /** Totals of its usage ledger records; null when the ledger has none for it. */
  usage: UsageTotals | null;
};

export type RunListFilters = { item: string | null; stage: string | null; since: string | null; limit: number | null };

export type RunsLsResult = {
  /** Newest first, filtered, at most `limit`. */
  runs: RunListEntry[];
  /** How many runs matched before `limit`. */
  matched: number;
  filters: RunListFilters;
  /** Whether any listed run ran in an execution lane (the text table then shows a LANE column). */
  lanes: boolean;
};

export const NO_FILTERS: RunListFilters = { item: null, stage: null, since: null, limit: null };

export const shortRunId = (runId: string): string => runId.replace(/^run-/, '').slice(0, 8);

export type LiveRun = { run: ActiveRunState; lane: number | null };

/** Pure: one list entry from a run's stage results, its ledger records and, when it runs now, its active state. */
export function summarizeRun(inspection: RunInspection, records: readonly UsageRecord[], live: LiveRun | null, dirModifiedAt: string, now: Date): RunListEntry {
  const results = inspection.stage_results;
  const last = results[results.length - 1] ?? null;
  const starts = [inspection.started_at, live?.run.active_since, results.length || live ? null : dirModifiedAt].filter((s): s is string => typeof s === 'string');
  const startedAt = starts.reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a), starts[0] ?? dirModifiedAt);
  const completedAt = live ? null : inspection.completed_at;
  const end = completedAt ? Date.parse(completedAt) : live ? now.getTime() : Date.parse(startedAt);
  const stages = results.map((r) => r.stage);
  if (live) stages.push(live.run.stage);
  const recordLane = [...records].reverse().find((r) => r.lane !== undefined)?.lane ?? null;
  return {
    run_id: inspection.run_id,
    short_id: shortRunId(inspection.run_id),
    status: inspection.status,
    running: live !== null,
    started_at: startedAt,
    completed_at: completedAt,
    duration_seconds: Math.max(0, Math.round((end - Date.parse(startedAt)) / 100) / 10),
    plane: live?.run.plane ?? records[records.length - 1]?.plane ?? (last ? (stageMetadata(last.stage)?.plane ?? null) : null),
    stage: live?.run.stage ?? last?.stage ?? null,
    stages,
    work_item_kind: live?.run.work_item_kind ?? inspection.work_item_kind,
    work_item_id: live?.run.work_item_id ?? inspection.work_item_id,
    terminal_result: last?.terminal_result ?? null,
    failure_class: live ? null : inspection.failure_class,
    lane: live?.lane ?? recordLane,
    usage: records.length ? totalUsage(records) : null,
  };
}

const itemMatches = (entry: RunListEntry, item: string) => entry.work_item_id === item || (entry.work_item_kind !== null && `${entry.work_item_kind}:${entry.work_item_id}` === item);

/** Pure: newest first (ties by id), then the filters, then the limit. */
export function selectRuns(entries: readonly RunListEntry[], filters: RunListFilters, since: Date | null): Omit<RunsLsResult, 'filters'> {
  const matched = entries
    .filter((e) => (filters.item === null || itemMatches(e, filters.item)) && (filters.stage === null || e.stages.includes(filters.stage)) && (since === null || Date.parse(e.started_at) >= since.getTime()))
    .sort((a, b) => Date.parse(b.started_at) - Date.parse(a.started_at) || b.run_id.localeCompare(a.run_id));
  const runs = filters.limit === null ? matched : matched.slice(0, filters.limit);
  return { runs, matched: matched.length, lanes: runs.some((r) => r.lane !== null) };
}

/** The runs that a daemon (or `run once`) is running now: none when no live process owns the workspace. */
export async function readLiveRuns(paths: WorkspacePaths): Promise<Map<string, LiveRun>> {
  const live = new Map<string, LiveRun>();
  const [snapshot, lock] = await Promise.all([readSnapshot(paths).catch(() => null), inspectLock(paths)]);
  if (!snapshot?.process_running || lock.state !== 'active') return live;
  for (const run of Object.values(snapshot.active_runs_by_plane)) if (run) live.set(run.run_id, { run, lane: null });
  for (const lane of snapshot.execution_lanes ?? []) live.set(lane.run.run_id, { run: lane.run, lane: lane.lane });
  return live;
}

/** `runs ls`: every run directory, summarized from its stage results, the usage ledger and the live snapshot. */
export async function buildRunList(paths: WorkspacePaths, filters: RunListFilters, now: Date): Promise<RunsLsResult> {
  const since = filters.since === null ? null : parseSince(filters.since, now);
  const [dirs, ledger, live] = await Promise.all([listRunDirs(paths), readUsageLedger(paths), readLiveRuns(paths)]);
  const byRun = new Map<string, UsageRecord[]>();
  for (const record of ledger) byRun.set(record.run_id, [...(byRun.get(record.run_id) ?? []), record]);
  const entries: RunListEntry[] = [];
  for (const dir of dirs) {
    const inspection = await inspectRun(paths, dir.run_id);
    if (inspection) entries.push(summarizeRun(inspection, byRun.get(dir.run_id) ?? [], live.get(dir.run_id) ?? null, dir.modified_at, now));
  }
  return { ...selectRuns(entries, filters, since), filters };
}

const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;

export const formatDuration = (seconds: number): string => {
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
};

/** What the RESULT column says: running, the last terminal result (with the failure class), or the artifacts' state. */
export const runResultLabel = (r: RunListEntry): string =>
  r.running ? 'running' : r.terminal_result ? `${r.terminal_result}${r.failure_class ? ` (${r.failure_class})` : ''}` : r.status;

/** Text table, newest first; a LANE column when lanes ran any listed run. */
export function renderRunsLs(result: RunsLsResult): string[] {
  if (result.runs.length === 0) return [result.matched === 0 && Object.values(result.filters).every((v) => v === null) ? 'no runs' : 'no runs match'];
  const header = ['RUN', ...(result.lanes ? ['LANE'] : []), 'STARTED', 'DURATION', 'STAGE', 'ITEM', 'RESULT', 'TOKENS'];
  const rows = result.runs.map((r) => [
    r.short_id,
    ...(result.lanes ? [r.lane === null ? '-' : String(r.lane)] : []),
    when(r.started_at),
    formatDuration(r.duration_seconds),
    r.stage ? `${r.plane ?? '?'}/${r.stage}` : '-',
    r.work_item_id ? `${r.work_item_kind ?? 'closure'}:${r.work_item_id}` : '-',
    runResultLabel(r),
    r.usage && r.usage.total_tokens > 0 ? formatTokens(r.usage.total_tokens) : '-',
  ]);
  const table = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const lines = table.map((row) => row.map((cell, i) => (header[i] === 'TOKENS' || header[i] === 'DURATION' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd());
  if (result.matched > result.runs.length) lines.push(`(${result.matched - result.runs.length} older runs not shown; --limit)`);
  return lines;
}

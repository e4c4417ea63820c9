import { relative } from 'node:path';
import type { RetentionConfig } from '../contracts/config.js';
import type { RetentionProtection, RetentionReport, RunRecord } from '../contracts/retention.js';
import { MillraceError } from '../errors/index.js';
import { readClosureTargets } from '../workspace/arbiter/targets.js';
import type { WorkspacePaths } from '../workspace/paths.js';
import { listQueueLocations } from '../workspace/queue/scan.js';
import { readAgentGroups } from '../workspace/state/agent-groups.js';
import { appendRuntimeEvent, readRuntimeEvents, rotateEventsLog } from '../workspace/state/events-log.js';
import { readRunRecords, removeRunDir } from '../workspace/state/run-records.js';
import { readSnapshot } from '../workspace/state/snapshot-store.js';
import { decideRunPruning } from './decide/retention.js';

/** Folders whose items are not finished: their runs are kept whatever their age. */
const UNFINISHED_SCOPE = { task: ['queue', 'active', 'blocked'], spec: ['queue', 'active', 'blocked'], incident: ['incoming', 'active', 'blocked'] } as const;

/** Runs and items retention must keep: unfinished items, running stages, and what open closure targets reference. */
async function readProtection(paths: WorkspacePaths): Promise<RetentionProtection> {
  const runIds = new Set<string>();
  const unfinishedItems = new Set<string>();
  const openClosureRoots = new Set<string>();
  const closureItemIds = new Set<string>();
  for (const location of await listQueueLocations(paths, UNFINISHED_SCOPE)) unfinishedItems.add(`${location.kind}:${location.id}`);
  const snapshot = await readSnapshot(paths);
  const running = [...Object.values(snapshot.active_runs_by_plane), ...(snapshot.execution_lanes ?? []).map((l) => l.run)];
  if (snapshot.active_run_id) runIds.add(snapshot.active_run_id);
  if (snapshot.active_work_item_kind && snapshot.active_work_item_id) unfinishedItems.add(`${snapshot.active_work_item_kind}:${snapshot.active_work_item_id}`);
  for (const run of running) {
    if (!run) continue;
    runIds.add(run.run_id);
    if (run.work_item_kind && run.work_item_id) unfinishedItems.add(`${run.work_item_kind}:${run.work_item_id}`);
    if (run.closure_target_root_spec_id) openClosureRoots.add(run.closure_target_root_spec_id);
  }
  const groups = await readAgentGroups(paths);
  for (const group of groups.groups) runIds.add(group.run_id);
  const { targets, problems } = await readClosureTargets(paths);
  if (problems.length > 0) {
    throw new MillraceError('WORKSPACE_STATE_INVALID', `${problems[0]!.message} (retention cannot tell which runs an open closure target needs)`, { file: problems[0]!.file, hint: 'fix or move the invalid closure target file; `millrace doctor` lists every problem' });
  }
  for (const target of targets.filter((t) => t.closure_open)) {
    openClosureRoots.add(target.root_spec_id);
    closureItemIds.add(target.root_spec_id);
    closureItemIds.add(target.root_idea_id);
    for (const id of target.blocking_work_ids) closureItemIds.add(id);
    if (target.last_arbiter_run_id) runIds.add(target.last_arbiter_run_id);
  }
  return { runIds, unfinishedItems, openClosureRoots, closureItemIds };
}

/** Runs whose stage results name no owner get it from their `stage_started` event, while the events log still has it. */
async function fillOwnersFromEvents(paths: WorkspacePaths, runs: RunRecord[]): Promise<RunRecord[]> {
  if (!runs.some((r) => r.owner.kind === 'unknown')) return runs;
  const owners = new Map<string, RunRecord['owner']>();
  for (const event of await readRuntimeEvents(paths)) {
    if (event.event_type !== 'stage_started') continue;
    const { run_id: runId, work_item_kind: kind, work_item_id: id } = event.data as Record<string, unknown>;
    if (typeof runId === 'string' && typeof kind === 'string' && typeof id === 'string') owners.set(runId, { kind: 'item', work_item_kind: kind, work_item_id: id });
  }
  return runs.map((r) => (r.owner.kind === 'unknown' && owners.has(r.run_id) ? { ...r, owner: owners.get(r.run_id)! } : r));
}

export type RetentionOptions = {
  dryRun: boolean;
  now: Date;
  /** Rotate the events log too (false when a live daemon owns the workspace: it rotates its own log); the reason. */
  rotateEvents: { rotate: true } | { rotate: false; reason: string };
  /** Who applies it, recorded in the `retention_applied` event. */
  source: 'daemon' | 'runs_prune';
  /** Examine and prune runs (default true; the daemon only checks the events log's size between most stages). */
  pruneRuns?: boolean;
};

/**
 * One retention pass (docs/runtime.md, "Retention"): remove the runs the policy lets go, never a protected one, and
 * rotate the events log by size. The usage ledger is never touched. Appends `retention_applied` when anything was
 * removed or rotated (not on a dry run).
 */
export async function applyRetention(paths: WorkspacePaths, policy: RetentionConfig, options: RetentionOptions): Promise<RetentionReport> {
  const rel = (p: string) => relative(paths.workspaceRoot, p);
  const pruneRuns = options.pruneRuns ?? true;
  const runs = pruneRuns ? await fillOwnersFromEvents(paths, await readRunRecords(paths)) : [];
  const pruning = pruneRuns ? decideRunPruning(runs, await readProtection(paths), policy, options.now.getTime()) : { removed: [], protected: [] };
  if (!options.dryRun) for (const run of pruning.removed) await removeRunDir(paths, run.run_id);
  const rotation = options.rotateEvents.rotate ? rotateEventsLog(paths, { maxBytes: policy.events_log_max_bytes, keepFiles: policy.events_log_keep_files }, options.dryRun) : { rotated_to: null, removed: [] };
  const report: RetentionReport = {
    dry_run: options.dryRun,
    policy: { ...policy },
    runs: { examined: runs.length, removed: pruning.removed, protected: pruning.protected },
    events_log: {
      rotated_to: rotation.rotated_to === null ? null : rel(rotation.rotated_to),
      removed: rotation.removed.map(rel),
      skipped: options.rotateEvents.rotate ? null : options.rotateEvents.reason,
    },
  };
  if (!options.dryRun && (report.runs.removed.length > 0 || report.events_log.rotated_to !== null || report.events_log.removed.length > 0)) {
    await appendRuntimeEvent(
      paths,
      'retention_applied',
      {
        source: options.source,
        removed_run_count: report.runs.removed.length,
        removed_run_ids: report.runs.removed.slice(0, 100).map((r) => r.run_id),
        events_log_rotated_to: report.events_log.rotated_to,
        events_log_removed: report.events_log.removed,
      },
      options.now,
    );
  }
  return report;
}

/** How often a daemon examines its runs (each pass reads every run's stage results); the events log is checked after every tick. */
export const RUNS_RETENTION_INTERVAL_MS = 10 * 60 * 1000;

/**
 * The daemon's retention: called after each tick (between stages, never while a result is applied), the first call
 * after the first tick. Runs are examined on the first call and then at most every RUNS_RETENTION_INTERVAL_MS; the
 * events log's size after every tick. A failure never stops the daemon: it is recorded as a `retention_failed` event and tried again next time.
 */
export function createDaemonRetention(paths: WorkspacePaths, policy: () => RetentionConfig, now: () => Date = () => new Date()): () => Promise<RetentionReport | null> {
  let lastRunsPass = -Infinity;
  return async () => {
    const at = now();
    const pruneRuns = at.getTime() - lastRunsPass >= RUNS_RETENTION_INTERVAL_MS;
    if (pruneRuns) lastRunsPass = at.getTime();
    try {
      return await applyRetention(paths, policy(), { dryRun: false, now: at, rotateEvents: { rotate: true }, source: 'daemon', pruneRuns });
    } catch (error) {
      await appendRuntimeEvent(paths, 'retention_failed', { message: (error as Error).message }, at).catch(() => undefined);
      return null;
    }
  };
}

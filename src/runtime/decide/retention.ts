import type { RetentionConfig } from '../../contracts/config.js';
import type { ProtectedRun, PrunedRun, RetentionProtection, RunKeptReason, RunOwnerView, RunRecord, RunRemovalReason } from '../../contracts/retention.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export type RunPruning = { removed: PrunedRun[]; protected: ProtectedRun[] };

function ownerView(run: RunRecord): RunOwnerView {
  if (run.owner.kind === 'item') return { work_item_kind: run.owner.work_item_kind, work_item_id: run.owner.work_item_id, closure_target_root_spec_id: null };
  if (run.owner.kind === 'closure_target') return { work_item_kind: null, work_item_id: null, closure_target_root_spec_id: run.owner.root_spec_id };
  return { work_item_kind: null, work_item_id: null, closure_target_root_spec_id: null };
}

/** Which runs one owner groups together for `keep_runs_per_item`; null for a run whose owner is unknown. */
function groupKey(run: RunRecord): string | null {
  if (run.owner.kind === 'item') return `${run.owner.work_item_kind}:${run.owner.work_item_id}`;
  if (run.owner.kind === 'closure_target') return `closure:${run.owner.root_spec_id}`;
  return null;
}

function keptReason(run: RunRecord, protection: RetentionProtection): RunKeptReason | null {
  if (protection.runIds.has(run.run_id)) return 'stage_running';
  if (run.owner.kind === 'unknown') return 'owner_unknown';
  if (run.owner.kind === 'closure_target') return protection.openClosureRoots.has(run.owner.root_spec_id) ? 'open_closure_target' : null;
  if (protection.unfinishedItems.has(`${run.owner.work_item_kind}:${run.owner.work_item_id}`)) return 'item_not_finished';
  if (protection.closureItemIds.has(run.owner.work_item_id)) return 'open_closure_target';
  return null;
}

/**
 * Pure: the runs a retention policy removes. A run goes when it last ran more than `keep_runs_days` ago, or when its
 * item (or closure target) has `keep_runs_per_item` newer runs; 0 turns a limit off. A protected run is never
 * removed: it is listed with why it stays.
 */
export function decideRunPruning(runs: readonly RunRecord[], protection: RetentionProtection, policy: Pick<RetentionConfig, 'keep_runs_days' | 'keep_runs_per_item'>, nowMs: number): RunPruning {
  const newestFirst = [...runs].sort((a, b) => b.at_ms - a.at_ms || (a.run_id < b.run_id ? 1 : a.run_id > b.run_id ? -1 : 0));
  const seen = new Map<string, number>();
  const removed: PrunedRun[] = [];
  const kept: ProtectedRun[] = [];
  for (const run of newestFirst) {
    const key = groupKey(run);
    const rank = key === null ? 0 : (seen.get(key) ?? 0);
    if (key !== null) seen.set(key, rank + 1);
    let reason: RunRemovalReason | null = null;
    if (policy.keep_runs_days > 0 && nowMs - run.at_ms > policy.keep_runs_days * DAY_MS) reason = 'older_than_keep_runs_days';
    else if (policy.keep_runs_per_item > 0 && key !== null && rank >= policy.keep_runs_per_item) reason = 'beyond_keep_runs_per_item';
    if (reason === null) continue;
    const base = { run_id: run.run_id, last_ran_at: new Date(run.at_ms).toISOString(), ...ownerView(run) };
    const keep = keptReason(run, protection);
    if (keep === null) removed.push({ ...base, reason });
    else kept.push({ ...base, reason: keep });
  }
  const byId = (a: { run_id: string }, b: { run_id: string }) => (a.run_id < b.run_id ? -1 : a.run_id > b.run_id ? 1 : 0);
  return { removed: removed.sort(byId), protected: kept.sort(byId) };
}

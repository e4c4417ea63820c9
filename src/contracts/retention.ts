import * as z from '@millrace/plugin-api/zod';
import { WorkItemKindSchema } from '@millrace/plugin-api';

/**
 * The part of a stage result (`runs/<run>/stage_results/*.json`) that retention needs: whose run it is and when it
 * ran. Lenient on everything else, so a stage result of any version still names its owner.
 */
export const RunOwnerFieldsSchema = z.object({
  work_item_kind: WorkItemKindSchema.nullable().catch(null),
  work_item_id: z.string().min(1).nullable().catch(null),
  started_at: z.iso.datetime({ offset: true }).nullable().catch(null),
  completed_at: z.iso.datetime({ offset: true }).nullable().catch(null),
  metadata: z.object({ closure_target_root_spec_id: z.string().min(1).nullable().catch(null) }).catch({ closure_target_root_spec_id: null }),
});

/** Whose run a run directory is: a work item, a closure target (an Arbiter run), or unknown. */
export type RunOwner = { kind: 'item'; work_item_kind: string; work_item_id: string } | { kind: 'closure_target'; root_spec_id: string } | { kind: 'unknown' };

/** One run directory as retention sees it. `at_ms` is when it last ran (its last stage result, else the directory's mtime). */
export type RunRecord = { run_id: string; owner: RunOwner; at_ms: number };

/** Why retention removes a run. */
export type RunRemovalReason = 'older_than_keep_runs_days' | 'beyond_keep_runs_per_item';
/** Why retention keeps a run that a limit would remove. */
export type RunKeptReason = 'stage_running' | 'item_not_finished' | 'open_closure_target' | 'owner_unknown';

/** Runs and items retention never touches (docs/runtime.md, "Retention"). */
export type RetentionProtection = {
  /** Runs of stages still running, and runs an open closure target names. */
  runIds: ReadonlySet<string>;
  /** `kind:id` of items in a queue, active or blocked folder, or of a running stage. */
  unfinishedItems: ReadonlySet<string>;
  /** Root spec ids of open closure targets. */
  openClosureRoots: ReadonlySet<string>;
  /** Item ids an open closure target references (its root spec, its root idea, the lineage work blocking it). */
  closureItemIds: ReadonlySet<string>;
};

export type RunOwnerView = { work_item_kind: string | null; work_item_id: string | null; closure_target_root_spec_id: string | null };
export type PrunedRun = RunOwnerView & { run_id: string; last_ran_at: string; reason: RunRemovalReason };
export type ProtectedRun = RunOwnerView & { run_id: string; last_ran_at: string; reason: RunKeptReason };

/** What one retention pass removed (or, dry, would remove). Paths are relative to the workspace root. */
export type RetentionReport = {
  dry_run: boolean;
  policy: { keep_runs_days: number; keep_runs_per_item: number; events_log_max_bytes: number; events_log_keep_files: number };
  runs: {
    examined: number;
    removed: PrunedRun[];
    /** Runs a limit would remove but that are protected. */
    protected: ProtectedRun[];
  };
  events_log: {
    /** The current log's new name when it was (or would be) rotated. */
    rotated_to: string | null;
    /** Rotated files removed beyond `events_log_keep_files`. */
    removed: string[];
    /** Why rotation was not attempted (a live daemon rotates its own log), else null. */
    skipped: string | null;
  };
};

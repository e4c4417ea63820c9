// Over 300 lines: one contract file for every runtime-owned state file, so their schemas and defaults are reviewed together.
import * as z from '@millrace/plugin-api/zod';
import { PlaneSchema, RequestKindSchema, ResultClassSchema, StageIdSchema, StageNameSchema, TokenUsageSchema, WorkItemKindSchema, type Plane, type StageId } from '@millrace/plugin-api';
import { stageMetadata } from './stage-metadata.js';
import { GovernanceStateSchema } from './usage-budgets.js';

/** State files owned by the runtime (runtime.md §8-11, runners.md §6.1, control-and-inspection.md §5). */

const IsoDateTime = z.iso.datetime({ offset: true });
const nullableString = z.string().nullable().default(null);

/** `### <TOKEN>` on one line (runtime.md §5.5). */
export const STATUS_MARKER_PATTERN = /^### [A-Z][A-Z0-9_]*$/;
export const StatusMarkerSchema = z.string().regex(STATUS_MARKER_PATTERN, 'must be one line "### <TOKEN>"');
export const IDLE_MARKER = '### IDLE';
export const BLOCKED_MARKER = '### BLOCKED';

export const PLANES: readonly Plane[] = ['execution', 'planning', 'learning'];
/** Foreground priority of the legacy `active_*` projection. */
export const FOREGROUND_ORDER: readonly Plane[] = ['planning', 'execution', 'learning'];

export const PauseSourceSchema = z.enum(['operator', 'usage_governance']);
export type PauseSource = z.infer<typeof PauseSourceSchema>;

/** A shipped stage must run in its own plane; a contributed stage's plane comes from the compiled plan, checked there. */
const stageInPlane = (stage: string, plane: string): boolean => {
  const meta = stageMetadata(stage);
  return meta === undefined || meta.plane === plane;
};

/** A contributed stage runs under its stage kind id (see stageForKind). */
const contributedStageMatchesKind = (stage: string, stageKindId: string): boolean => stageMetadata(stage) !== undefined || stage === stageKindId;

export const ActiveRunStateSchema = z
  .strictObject({
    plane: PlaneSchema,
    stage: StageIdSchema,
    node_id: z.string().min(1),
    stage_kind_id: z.string().min(1),
    run_id: z.string().min(1),
    request_kind: RequestKindSchema,
    work_item_kind: WorkItemKindSchema.nullable().default(null),
    work_item_id: nullableString,
    closure_target_root_spec_id: nullableString,
    closure_target_root_idea_id: nullableString,
    active_since: IsoDateTime,
    running_status_marker: nullableString,
  })
  .superRefine((run, ctx) => {
    if (!stageInPlane(run.stage, run.plane)) ctx.addIssue({ code: 'custom', path: ['stage'], message: `stage ${run.stage} does not belong to plane ${run.plane}` });
    if (!contributedStageMatchesKind(run.stage, run.stage_kind_id)) ctx.addIssue({ code: 'custom', path: ['stage'], message: `contributed stage ${run.stage} must equal its stage_kind_id` });
    if ((run.work_item_kind === null) !== (run.work_item_id === null)) ctx.addIssue({ code: 'custom', path: ['work_item_id'], message: 'work_item_kind and work_item_id are set together' });
    if (run.request_kind === 'active_work_item' && (run.work_item_kind === null || run.work_item_kind === 'learning_request' || run.closure_target_root_spec_id !== null)) {
      ctx.addIssue({ code: 'custom', path: ['request_kind'], message: 'active_work_item runs need a non-learning work item and no closure fields' });
    }
    if (run.request_kind === 'closure_target' && (run.plane !== 'planning' || run.work_item_kind !== null || run.closure_target_root_spec_id === null)) {
      ctx.addIssue({ code: 'custom', path: ['request_kind'], message: 'closure_target runs need plane planning, no work item and closure_target_root_spec_id' });
    }
  });
export type ActiveRunState = z.infer<typeof ActiveRunStateSchema>;

/**
 * One busy execution lane (docs/parallel.md): its active run, the status marker of its own status file and, with
 * worktree isolation, where its task's stages run and which branch they commit to.
 */
export const LaneStateSchema = z
  .strictObject({
    lane: z.number().int().min(1),
    run: ActiveRunStateSchema,
    status_marker: StatusMarkerSchema,
    worktree_path: nullableString,
    branch: nullableString,
    base_branch: nullableString,
  })
  .superRefine((l, ctx) => {
    if (l.run.plane !== 'execution' || l.run.work_item_kind !== 'task') ctx.addIssue({ code: 'custom', path: ['run'], message: 'a lane runs an execution task' });
  });
export type LaneState = z.infer<typeof LaneStateSchema>;

const planeRecord = <T extends z.ZodType>(value: T) => z.partialRecord(PlaneSchema, value);

/** `state/runtime_snapshot.json` (runtime.md §8). Field order is the serialization order. */
export const RuntimeSnapshotSchema = z
  .strictObject({
    schema_version: z.literal('1.0'),
    kind: z.literal('runtime_snapshot'),
    runtime_mode: z.enum(['once', 'daemon']),
    process_running: z.boolean(),
    paused: z.boolean(),
    pause_sources: z.array(PauseSourceSchema).default([]),
    /** Why the `usage_governance` pause source is set, and the limits `resume --force` overrode (docs/observability.md). */
    usage_governance: GovernanceStateSchema.prefault({}),
    stop_requested: z.boolean().default(false),
    active_mode_id: z.string(),
    execution_loop_id: z.string(),
    planning_loop_id: z.string(),
    learning_loop_id: nullableString,
    loop_ids_by_plane: planeRecord(z.string()),
    compiled_plan_id: z.string(),
    compiled_plan_path: z.string(),
    active_plane: PlaneSchema.nullable().default(null),
    active_stage: StageIdSchema.nullable().default(null),
    active_node_id: nullableString,
    active_stage_kind_id: nullableString,
    active_run_id: nullableString,
    active_work_item_kind: WorkItemKindSchema.nullable().default(null),
    active_work_item_id: nullableString,
    active_runs_by_plane: planeRecord(ActiveRunStateSchema).default({}),
    /** Busy execution lanes, by lane number; absent in a serial runtime's snapshot. */
    execution_lanes: z.array(LaneStateSchema).optional(),
    execution_status_marker: StatusMarkerSchema,
    planning_status_marker: StatusMarkerSchema,
    learning_status_marker: StatusMarkerSchema.default(IDLE_MARKER),
    status_markers_by_plane: planeRecord(StatusMarkerSchema).default({}),
    queue_depth_execution: z.number().int().min(0),
    queue_depth_planning: z.number().int().min(0),
    queue_depth_learning: z.number().int().min(0).default(0),
    queue_depths_by_plane: planeRecord(z.number().int().min(0)).default({}),
    last_terminal_result: nullableString,
    last_stage_result_path: nullableString,
    current_failure_class: nullableString,
    troubleshoot_attempt_count: z.number().int().min(0).default(0),
    mechanic_attempt_count: z.number().int().min(0).default(0),
    fix_cycle_count: z.number().int().min(0).default(0),
    consultant_invocations: z.number().int().min(0).default(0),
    config_version: z.string(),
    watcher_mode: z.enum(['watch', 'poll', 'off']),
    last_reload_outcome: z.enum(['applied', 'failed_retained_previous_plan']).nullable().default(null),
    last_reload_error: nullableString,
    started_at: IsoDateTime.nullable().default(null),
    active_since: IsoDateTime.nullable().default(null),
    updated_at: IsoDateTime,
  })
  .superRefine((s, ctx) => {
    if ((s.active_plane === null) !== (s.active_stage === null)) ctx.addIssue({ code: 'custom', path: ['active_stage'], message: 'active_plane and active_stage are set together' });
    if (s.active_plane !== null && s.active_stage !== null && !stageInPlane(s.active_stage, s.active_plane)) {
      ctx.addIssue({ code: 'custom', path: ['active_stage'], message: `stage ${s.active_stage} does not belong to plane ${s.active_plane}` });
    }
    if ((s.active_work_item_kind === null) !== (s.active_work_item_id === null)) ctx.addIssue({ code: 'custom', path: ['active_work_item_id'], message: 'active_work_item_kind and active_work_item_id are set together' });
    if (s.active_work_item_kind !== null && (s.active_stage === null || s.active_run_id === null)) {
      ctx.addIssue({ code: 'custom', path: ['active_work_item_kind'], message: 'an active work item requires an active stage and run id' });
    }
    if (s.active_since !== null && s.active_stage === null) ctx.addIssue({ code: 'custom', path: ['active_since'], message: 'active_since requires an active stage' });
    const laneNumbers = (s.execution_lanes ?? []).map((l) => l.lane);
    if (new Set(laneNumbers).size !== laneNumbers.length) ctx.addIssue({ code: 'custom', path: ['execution_lanes'], message: 'lane numbers are unique' });
    for (const [plane, run] of Object.entries(s.active_runs_by_plane)) {
      if (run && run.plane !== plane) ctx.addIssue({ code: 'custom', path: ['active_runs_by_plane', plane], message: `active run plane ${run.plane} is stored under ${plane}` });
    }
  });
export type RuntimeSnapshot = z.infer<typeof RuntimeSnapshotSchema>;

/** One `(failure_class, work_item_kind, work_item_id)` entry of `state/recovery_counters.json` (runtime.md §9). */
export const RecoveryCounterEntrySchema = z.strictObject({
  failure_class: z.string().min(1),
  work_item_id: z.string().min(1),
  work_item_kind: WorkItemKindSchema,
  troubleshoot_attempt_count: z.number().int().min(0).default(0),
  mechanic_attempt_count: z.number().int().min(0).default(0),
  fix_cycle_count: z.number().int().min(0).default(0),
  consultant_invocations: z.number().int().min(0).default(0),
  last_updated_at: IsoDateTime,
});
export type RecoveryCounterEntry = z.infer<typeof RecoveryCounterEntrySchema>;

export const RecoveryCountersSchema = z.strictObject({
  schema_version: z.literal('1.0'),
  kind: z.literal('recovery_counters'),
  entries: z.array(RecoveryCounterEntrySchema).default([]),
});
export type RecoveryCounters = z.infer<typeof RecoveryCountersSchema>;

export const COUNTER_FIELDS = ['troubleshoot_attempt_count', 'mechanic_attempt_count', 'fix_cycle_count', 'consultant_invocations'] as const;
export type CounterField = (typeof COUNTER_FIELDS)[number];

/** Failure classes a failed normalization can produce (runners.md §5.3). */
export const NormalizationFailureClassSchema = z.enum([
  'runner_transport_failure',
  'runner_timeout',
  'runner_stalled',
  'provider_failure',
  'missing_terminal_result',
  'illegal_terminal_result',
  'conflicting_terminal_results',
  'missing_required_artifact',
]);
export type NormalizationFailureClass = z.infer<typeof NormalizationFailureClassSchema>;

/** `runs/<run_id>/stage_results/<request_id>.json` (runners.md §5.3, §6.1). Field order is the serialization order. */
export const StageResultEnvelopeSchema = z
  .strictObject({
    schema_version: z.literal('1.0'),
    kind: z.literal('stage_result'),
    run_id: z.string().min(1),
    plane: PlaneSchema,
    stage: StageIdSchema,
    node_id: z.string().min(1),
    stage_kind_id: z.string().min(1),
    work_item_kind: WorkItemKindSchema,
    work_item_id: z.string().min(1),
    terminal_result: z.string().min(1),
    result_class: ResultClassSchema,
    summary_status_marker: StatusMarkerSchema,
    success: z.boolean(),
    retryable: z.boolean(),
    exit_code: z.number().int(),
    duration_seconds: z.number().min(0),
    prompt_artifact: nullableString,
    report_artifact: nullableString,
    artifact_paths: z.array(z.string()).default([]),
    detected_marker: nullableString,
    stdout_path: nullableString,
    stderr_path: nullableString,
    runner_name: nullableString,
    model_name: nullableString,
    model_reasoning_effort: nullableString,
    token_usage: TokenUsageSchema.nullable().default(null),
    notes: z.array(z.string()).default([]),
    metadata: z.record(z.string(), z.unknown()).default({}),
    started_at: IsoDateTime,
    completed_at: IsoDateTime,
  })
  .superRefine((r, ctx) => {
    if (!stageInPlane(r.stage, r.plane)) ctx.addIssue({ code: 'custom', path: ['stage'], message: `stage ${r.stage} does not belong to plane ${r.plane}` });
    if (!contributedStageMatchesKind(r.stage, r.stage_kind_id)) ctx.addIssue({ code: 'custom', path: ['stage'], message: `contributed stage ${r.stage} must equal its stage_kind_id` });
    if (r.summary_status_marker !== `### ${r.terminal_result}`) ctx.addIssue({ code: 'custom', path: ['summary_status_marker'], message: 'must equal "### " + terminal_result' });
    if (r.success !== (r.result_class === 'success')) ctx.addIssue({ code: 'custom', path: ['success'], message: 'success must be true exactly when result_class is success' });
    if (Date.parse(r.completed_at) < Date.parse(r.started_at)) ctx.addIssue({ code: 'custom', path: ['completed_at'], message: 'completed_at must not precede started_at' });
  });
export type StageResultEnvelope = z.infer<typeof StageResultEnvelopeSchema>;

/** One line of `logs/runtime_events.jsonl` (runtime.md §11). */
export const RuntimeEventSchema = z.strictObject({
  data: z.record(z.string(), z.unknown()),
  event_type: z.string().trim().min(1),
  kind: z.literal('runtime_event'),
  occurred_at: IsoDateTime,
  schema_version: z.literal('1.0'),
});
export type RuntimeEvent = z.infer<typeof RuntimeEventSchema>;

/** `state/runtime_daemon.lock.json` (control-and-inspection.md §5). */
export const DaemonLockSchema = z.strictObject({
  workspace_root: z.string().min(1),
  owner_pid: z.number().int().positive(),
  owner_hostname: z.string().min(1),
  owner_session_id: z.string().min(1),
  acquired_at: IsoDateTime,
});
export type DaemonLock = z.infer<typeof DaemonLockSchema>;

export const LockStateSchema = z.enum(['absent', 'active', 'stale', 'invalid']);
export type LockState = z.infer<typeof LockStateSchema>;
export type LockInspection = { state: LockState; detail: string; record: DaemonLock | null };

/** `state/runtime_error_context.json` (routing.md §10). */
export const RuntimeErrorContextSchema = z.strictObject({
  schema_version: z.literal('1.0'),
  kind: z.literal('runtime_error_context'),
  error_code: z.string(),
  plane: PlaneSchema,
  failed_stage: StageIdSchema,
  repair_stage: StageNameSchema,
  work_item_kind: WorkItemKindSchema.nullable(),
  work_item_id: z.string().nullable(),
  run_id: z.string(),
  router_action: z.string().nullable(),
  terminal_result: z.string().nullable(),
  stage_result_path: z.string().nullable(),
  report_path: z.string(),
  exception_type: z.string(),
  exception_message: z.string(),
  captured_at: IsoDateTime,
});
export type RuntimeErrorContext = z.infer<typeof RuntimeErrorContextSchema>;

/** Run inspection (control-and-inspection.md §8). */
export type RunStatus = 'valid' | 'incomplete' | 'malformed';
export type StageResultSummary = {
  stage_result_path: string;
  request_id: string | null;
  compiled_plan_id: string | null;
  mode_id: string | null;
  request_kind: string | null;
  closure_target_root_spec_id: string | null;
  failure_class: string | null;
  stage: StageId;
  node_id: string;
  stage_kind_id: string;
  terminal_result: string;
  result_class: string;
  work_item_kind: string;
  work_item_id: string;
  stdout_path: string | null;
  stderr_path: string | null;
  report_artifact: string | null;
  artifact_paths: string[];
  runner_name: string | null;
  model_name: string | null;
  model_reasoning_effort: string | null;
  started_at: string;
  completed_at: string;
  duration_seconds: number;
  token_usage: z.infer<typeof TokenUsageSchema> | null;
  /** USD, when the runner's harness priced the stage run (stage result `metadata.cost_usd`). */
  cost_usd: number | null;
};
export type RunInspection = {
  run_id: string;
  run_dir: string;
  status: RunStatus;
  compiled_plan_id: string | null;
  mode_id: string | null;
  request_kind: string | null;
  closure_target_root_spec_id: string | null;
  work_item_kind: string | null;
  work_item_id: string | null;
  failure_class: string | null;
  started_at: string | null;
  completed_at: string | null;
  duration_seconds: number | null;
  troubleshoot_report_path: string | null;
  primary_stdout_path: string | null;
  primary_stderr_path: string | null;
  stage_results: StageResultSummary[];
  token_usage: z.infer<typeof TokenUsageSchema> | null;
  /** Sum of the stage results' `cost_usd`; null when none was priced. */
  cost_usd: number | null;
  notes: string[];
};

/** Normalize a failure class: lowercase, runs of non-alphanumerics to `_`, trimmed `_` (routing.md §1). */
export function normalizeFailureClass(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

/** The snapshot `init` writes (runtime.md §8 "Bootstrap snapshot"). */
export function bootstrapSnapshot(now: Date): RuntimeSnapshot {
  return RuntimeSnapshotSchema.parse({
    schema_version: '1.0',
    kind: 'runtime_snapshot',
    runtime_mode: 'daemon',
    process_running: false,
    paused: false,
    pause_sources: [],
    stop_requested: false,
    active_mode_id: 'default_codex',
    execution_loop_id: 'execution.standard',
    planning_loop_id: 'planning.standard',
    learning_loop_id: null,
    loop_ids_by_plane: { execution: 'execution.standard', planning: 'planning.standard' },
    compiled_plan_id: 'bootstrap',
    compiled_plan_path: 'millrace-agents/state/compiled_plan.json',
    execution_status_marker: IDLE_MARKER,
    planning_status_marker: IDLE_MARKER,
    learning_status_marker: IDLE_MARKER,
    status_markers_by_plane: { execution: IDLE_MARKER, planning: IDLE_MARKER, learning: IDLE_MARKER },
    queue_depth_execution: 0,
    queue_depth_planning: 0,
    queue_depth_learning: 0,
    queue_depths_by_plane: { execution: 0, planning: 0, learning: 0 },
    config_version: 'bootstrap',
    watcher_mode: 'off',
    updated_at: now.toISOString(),
  });
}

export function emptyRecoveryCounters(): RecoveryCounters {
  return { schema_version: '1.0', kind: 'recovery_counters', entries: [] };
}

type LooseRecord = Record<string, unknown>;
const isRecord = (v: unknown): v is LooseRecord => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEmptyRecord = (v: unknown) => v === undefined || v === null || (isRecord(v) && Object.keys(v).length === 0);

/**
 * Read-side migration of an old-style snapshot (runtime.md §8): single `active_*` fields with an empty
 * `active_runs_by_plane`. Plane maps are back-filled from the scalar fields where absent; an active stage with a
 * run id and a work item identity becomes its active run (node and stage kind default to the stage name). An active
 * stage without a work item identity is left as it is: the next tick clears it (`missing_active_work_item_identity`).
 */
export function migrateLegacySnapshot(raw: unknown): unknown {
  if (!isRecord(raw)) return raw;
  const s: LooseRecord = { ...raw };
  // Before pause sources existed a pause was the operator's.
  if (s.paused === true && (!Array.isArray(s.pause_sources) || s.pause_sources.length === 0)) s.pause_sources = ['operator'];
  const backfill = (mapKey: string, values: Partial<Record<Plane, unknown>>) => {
    const current = isRecord(s[mapKey]) ? (s[mapKey] as LooseRecord) : {};
    const next: LooseRecord = { ...current };
    for (const [plane, value] of Object.entries(values)) if (value !== undefined && value !== null && !(plane in next)) next[plane] = value;
    s[mapKey] = next;
  };
  backfill('loop_ids_by_plane', { execution: s.execution_loop_id, planning: s.planning_loop_id, learning: s.learning_loop_id });
  backfill('status_markers_by_plane', { execution: s.execution_status_marker, planning: s.planning_status_marker, learning: s.learning_status_marker });
  backfill('queue_depths_by_plane', { execution: s.queue_depth_execution, planning: s.queue_depth_planning, learning: s.queue_depth_learning });
  const stage = typeof s.active_stage === 'string' ? s.active_stage : null;
  if (stage === null) return { ...s, active_node_id: null, active_stage_kind_id: null };
  s.active_node_id ??= stage;
  s.active_stage_kind_id ??= stage;
  const kind = s.active_work_item_kind;
  const since = s.active_since ?? s.updated_at;
  if (isEmptyRecord(s.active_runs_by_plane) && typeof s.active_plane === 'string' && typeof s.active_run_id === 'string' && typeof kind === 'string' && typeof s.active_work_item_id === 'string' && typeof since === 'string') {
    s.active_runs_by_plane = {
      [s.active_plane]: {
        plane: s.active_plane,
        stage,
        node_id: s.active_node_id,
        stage_kind_id: s.active_stage_kind_id,
        run_id: s.active_run_id,
        request_kind: kind === 'learning_request' ? 'learning_request' : 'active_work_item',
        work_item_kind: kind,
        work_item_id: s.active_work_item_id,
        closure_target_root_spec_id: null,
        closure_target_root_idea_id: null,
        active_since: since,
        running_status_marker: null,
      },
    };
    s.active_since = since;
  }
  return s;
}

/** The snapshot as read from disk: migrated from the old single-field form, then validated. */
export const StoredRuntimeSnapshotSchema = z.preprocess(migrateLegacySnapshot, RuntimeSnapshotSchema);

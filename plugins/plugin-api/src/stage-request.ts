import * as z from './zod.js';
import { ExitKindSchema, PlaneSchema, RequestKindSchema, ResultClassSchema, StageIdSchema, WorkItemKindSchema } from './vocabulary.js';
import { MAX_TIMER_SECONDS, timerSecondsMessage } from './timers.js';

const nullableString = z.string().nullable().default(null);

/** The one request a runner receives for one stage invocation (runners.md §2). */
export const StageRunRequestSchema = z
  .strictObject({
    request_id: z.string().min(1),
    run_id: z.string().min(1),
    plane: PlaneSchema,
    stage: StageIdSchema,
    request_kind: RequestKindSchema.default('active_work_item'),
    mode_id: z.string().min(1),
    compiled_plan_id: z.string().min(1),
    node_id: z.string().min(1),
    stage_kind_id: z.string().min(1),
    running_status_marker: z.string().min(1),
    legal_terminal_markers: z.array(z.string()),
    allowed_result_classes_by_outcome: z.record(z.string(), z.array(ResultClassSchema)),
    entrypoint_path: z.string().min(1),
    entrypoint_contract_id: nullableString,
    required_skill_paths: z.array(z.string()).default([]),
    attached_skill_paths: z.array(z.string()).default([]),
    active_work_item_kind: WorkItemKindSchema.nullable().default(null),
    active_work_item_id: nullableString,
    active_work_item_path: nullableString,
    closure_target_path: nullableString,
    closure_target_root_spec_id: nullableString,
    closure_target_root_idea_id: nullableString,
    canonical_root_spec_path: nullableString,
    canonical_seed_idea_path: nullableString,
    preferred_rubric_path: nullableString,
    preferred_verdict_path: nullableString,
    preferred_report_path: nullableString,
    run_dir: z.string().min(1),
    summary_status_path: z.string().min(1),
    runtime_snapshot_path: z.string().min(1),
    recovery_counters_path: z.string().min(1),
    preferred_troubleshoot_report_path: nullableString,
    runtime_error_code: nullableString,
    runtime_error_report_path: nullableString,
    runtime_error_catalog_path: nullableString,
    skill_revision_evidence_path: nullableString,
    runner_name: nullableString,
    model_name: nullableString,
    model_reasoning_effort: nullableString,
    timeout_seconds: z.number().int().min(0).max(MAX_TIMER_SECONDS, timerSecondsMessage).default(0),
  })
  .superRefine((req, ctx) => {
    const closureFields = [
      'closure_target_path',
      'closure_target_root_spec_id',
      'closure_target_root_idea_id',
      'canonical_root_spec_path',
      'canonical_seed_idea_path',
      'preferred_rubric_path',
      'preferred_verdict_path',
      'preferred_report_path',
    ] as const;
    const expected = Object.keys(req.allowed_result_classes_by_outcome).map((o) => `### ${o}`);
    if (expected.join('\n') !== req.legal_terminal_markers.join('\n')) {
      ctx.addIssue({ code: 'custom', path: ['legal_terminal_markers'], message: 'must equal "### <OUTCOME>" for each allowed outcome, in order' });
    }
    if (req.request_kind === 'active_work_item') {
      for (const field of closureFields) {
        if (req[field] !== null) ctx.addIssue({ code: 'custom', path: [field], message: 'must be null for active_work_item requests' });
      }
      if (!req.active_work_item_kind || !req.active_work_item_id || !req.active_work_item_path) {
        ctx.addIssue({ code: 'custom', path: ['active_work_item_id'], message: 'active_work_item requests need kind, id and path' });
      }
    }
    if (req.request_kind === 'closure_target') {
      for (const field of closureFields) {
        if (req[field] === null) ctx.addIssue({ code: 'custom', path: [field], message: 'is required for closure_target requests' });
      }
      if (req.active_work_item_kind !== null || req.active_work_item_id !== null || req.active_work_item_path !== null) {
        ctx.addIssue({ code: 'custom', path: ['active_work_item_id'], message: 'must be null for closure_target requests' });
      }
    }
  });
export type StageRunRequest = z.infer<typeof StageRunRequestSchema>;
export type StageRunRequestInput = z.input<typeof StageRunRequestSchema>;

/**
 * The one normalized token-usage shape every runner reports (whole stage run, all turns summed).
 * `cached_input_tokens` and `cache_write_input_tokens` are the parts of `input_tokens` served from / written to a
 * prompt cache where the harness says so; `thinking_tokens` are reasoning tokens; `total_tokens` is what the harness
 * calls total (use `normalizeTokenUsage` to fill it as input + output when the harness gives none).
 */
export const TokenUsageSchema = z.strictObject({
  input_tokens: z.number().int().min(0).default(0),
  cached_input_tokens: z.number().int().min(0).default(0),
  cache_write_input_tokens: z.number().int().min(0).default(0),
  output_tokens: z.number().int().min(0).default(0),
  thinking_tokens: z.number().int().min(0).default(0),
  total_tokens: z.number().int().min(0).default(0),
});
export type TokenUsage = z.infer<typeof TokenUsageSchema>;
export type TokenUsageInput = z.input<typeof TokenUsageSchema>;

/** Fill defaults and, when the harness reports no total, take input + output as the total. */
export function normalizeTokenUsage(input: TokenUsageInput): TokenUsage {
  const usage = TokenUsageSchema.parse(input);
  return usage.total_tokens > 0 ? usage : { ...usage, total_tokens: usage.input_tokens + usage.output_tokens };
}

/** Field-by-field sum (several turns, several stage runs). */
export function addTokenUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    cached_input_tokens: a.cached_input_tokens + b.cached_input_tokens,
    cache_write_input_tokens: a.cache_write_input_tokens + b.cache_write_input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    thinking_tokens: a.thinking_tokens + b.thinking_tokens,
    total_tokens: a.total_tokens + b.total_tokens,
  };
}

/**
 * What a runner tells the host while a stage runs (`RunnerContext.onActivity`): a meaningful line of harness output,
 * a tool call, or another harness event (turn started, retrying, ...). `usage`, when present, is the run's cumulative
 * usage so far. The host stamps `at` when the runner leaves it out, rate-limits what it shows, and treats every
 * activity as a sign of life for stall detection.
 */
export const RunnerActivityKindSchema = z.enum(['output', 'tool', 'event']);
export type RunnerActivityKind = z.infer<typeof RunnerActivityKindSchema>;
export const RunnerActivitySchema = z.strictObject({
  kind: RunnerActivityKindSchema,
  text: z.string(),
  at: z.iso.datetime({ offset: true }),
  usage: TokenUsageSchema.optional(),
});
export type RunnerActivity = z.infer<typeof RunnerActivitySchema>;
export type RunnerActivityInput = Omit<RunnerActivity, 'at' | 'usage'> & { at?: string; usage?: TokenUsageInput };

/** What a runner adapter returns; runner failures are data, never exceptions (runners.md §4). */
export const RunnerRawResultSchema = z
  .strictObject({
    request_id: z.string().min(1),
    run_id: z.string().min(1),
    stage: StageIdSchema,
    runner_name: z.string().min(1),
    model_name: nullableString,
    model_reasoning_effort: nullableString,
    exit_kind: ExitKindSchema,
    exit_code: z.number().int().nullable().default(null),
    observed_exit_kind: ExitKindSchema.nullable().default(null),
    observed_exit_code: z.number().int().nullable().default(null),
    stdout_path: nullableString,
    stderr_path: nullableString,
    terminal_result_path: nullableString,
    event_log_path: nullableString,
    token_usage: TokenUsageSchema.nullable().default(null),
    /** Cost of the run in USD when the harness reports one (e.g. Claude Code); absent/null lets the host price it from config. */
    cost_usd: z.number().min(0).nullable().optional(),
    started_at: z.iso.datetime({ offset: true }),
    ended_at: z.iso.datetime({ offset: true }),
    /** Adapter-level failure class (runners.md §6.3), kept for inspection. */
    failure_class: nullableString,
    notes: z.array(z.string()).default([]),
  })
  .refine((r) => Date.parse(r.ended_at) >= Date.parse(r.started_at), { message: 'ended_at must not precede started_at', path: ['ended_at'] });
export type RunnerRawResult = z.infer<typeof RunnerRawResultSchema>;
export type RunnerRawResultInput = z.input<typeof RunnerRawResultSchema>;

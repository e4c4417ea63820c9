import { z } from 'zod';
import { ExitKindSchema, PlaneSchema, RequestKindSchema, ResultClassSchema, StageIdSchema, WorkItemKindSchema } from './vocabulary.js';

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
    timeout_seconds: z.number().int().min(0).default(0),
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

export const TokenUsageSchema = z.strictObject({
  input_tokens: z.number().int().min(0).default(0),
  cached_input_tokens: z.number().int().min(0).default(0),
  cache_write_input_tokens: z.number().int().min(0).default(0),
  output_tokens: z.number().int().min(0).default(0),
  thinking_tokens: z.number().int().min(0).default(0),
  total_tokens: z.number().int().min(0).default(0),
});
export type TokenUsage = z.infer<typeof TokenUsageSchema>;

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
    started_at: z.iso.datetime({ offset: true }),
    ended_at: z.iso.datetime({ offset: true }),
    /** Adapter-level failure class (runners.md §6.3), kept for inspection. */
    failure_class: nullableString,
    notes: z.array(z.string()).default([]),
  })
  .refine((r) => Date.parse(r.ended_at) >= Date.parse(r.started_at), { message: 'ended_at must not precede started_at', path: ['ended_at'] });
export type RunnerRawResult = z.infer<typeof RunnerRawResultSchema>;
export type RunnerRawResultInput = z.input<typeof RunnerRawResultSchema>;

import * as z from '@millrace/plugin-api/zod';
import { SafeIdSchema } from './documents.js';

/** `arbiter/targets/<root_spec_id>.json`: one closure target per root spec lineage. */
export const ClosureTargetSchema = z
  .strictObject({
    schema_version: z.literal('1.0'),
    kind: z.literal('closure_target_state'),
    root_spec_id: SafeIdSchema,
    root_idea_id: SafeIdSchema,
    root_spec_path: z.string().min(1),
    root_idea_path: z.string().min(1),
    rubric_path: z.string().min(1),
    latest_verdict_path: z.string().nullable(),
    latest_report_path: z.string().nullable(),
    closure_open: z.boolean(),
    closure_blocked_by_lineage_work: z.boolean(),
    blocking_work_ids: z.array(SafeIdSchema),
    opened_at: z.iso.datetime({ offset: true }),
    closed_at: z.iso.datetime({ offset: true }).nullable(),
    last_arbiter_run_id: SafeIdSchema.nullable(),
  })
  .superRefine((t, ctx) => {
    if (t.closed_at !== null && t.closure_open) ctx.addIssue({ code: 'custom', path: ['closure_open'], message: 'must be false when closed_at is set' });
    if (t.closed_at !== null && Date.parse(t.closed_at) < Date.parse(t.opened_at)) ctx.addIssue({ code: 'custom', path: ['closed_at'], message: 'must not precede opened_at' });
    if (!t.closure_blocked_by_lineage_work && t.blocking_work_ids.length > 0) ctx.addIssue({ code: 'custom', path: ['blocking_work_ids'], message: 'must be empty unless closure_blocked_by_lineage_work is true' });
  });
export type ClosureTarget = z.infer<typeof ClosureTargetSchema>;

export const LineageDriftFindingSchema = z.strictObject({
  work_item_kind: z.enum(['task', 'spec', 'incident']),
  work_item_id: z.string(),
  state: z.enum(['queue', 'active', 'blocked']),
  path: z.string(),
  expected_root_spec_id: z.string(),
  actual_root_spec_id: z.string().nullable(),
  root_idea_id: z.string().nullable(),
  spec_id: z.string().nullable(),
  diagnostic_reason: z.enum(['same_root_idea_different_root_spec', 'known_root_spec_alias']),
});
export type LineageDriftFinding = z.infer<typeof LineageDriftFindingSchema>;

export const LineageDriftDiagnosticSchema = z.strictObject({
  schema_version: z.literal('1.0'),
  kind: z.literal('closure_lineage_drift_diagnostic'),
  root_spec_id: z.string(),
  root_idea_id: z.string(),
  detected_at: z.iso.datetime({ offset: true }),
  findings: z.array(LineageDriftFindingSchema),
  recommended_command: z.string(),
});
export type LineageDriftDiagnostic = z.infer<typeof LineageDriftDiagnosticSchema>;

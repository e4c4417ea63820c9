import { STAGE_NAMES } from '@millrace/plugin-api';
import * as z from '@millrace/plugin-api/zod';

export const PermissionLevelSchema = z.enum(['basic', 'elevated', 'maximum']);
export type PermissionLevel = z.infer<typeof PermissionLevelSchema>;

export const ReasoningEffortSchema = z.enum(['low', 'medium', 'high', 'xhigh']);

/** Stage names a permission override may name: the 12 shipped stages plus the (out of scope) learning stages. */
const KNOWN_STAGE_NAMES: ReadonlySet<string> = new Set([...STAGE_NAMES, 'analyst', 'professor', 'curator']);

/** `[runners.codex]` (config.md §2.3, runners.md §9). Unknown keys are rejected. */
export const CodexRunnerConfigSchema = z.strictObject({
  command: z.string().trim().min(1).default('codex'),
  args: z.array(z.string()).default(['exec']),
  profile: z.string().trim().min(1).nullable().default(null),
  permission_default: PermissionLevelSchema.default('basic'),
  permission_by_stage: z
    .record(z.string(), PermissionLevelSchema)
    .default({})
    .superRefine((byStage, ctx) => {
      const unknown = Object.keys(byStage).filter((stage) => !KNOWN_STAGE_NAMES.has(stage)).sort();
      if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `unknown stage names in runners.codex.permission_by_stage: ${unknown.join(', ')}` });
    }),
  permission_by_model: z.record(z.string(), PermissionLevelSchema).default({}),
  model_reasoning_effort: ReasoningEffortSchema.nullable().default(null),
  skip_git_repo_check: z.boolean().default(true),
  extra_config: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
});
export type CodexRunnerConfig = z.infer<typeof CodexRunnerConfigSchema>;
export type CodexRunnerConfigInput = z.input<typeof CodexRunnerConfigSchema>;

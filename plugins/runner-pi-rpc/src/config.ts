import * as z from '@millrace/plugin-api/zod';

/** Flags Millrace owns on the pi command line; `runners.pi.args` may not set them (config.md §2.4). */
export const RESERVED_PI_FLAGS = ['--mode', '--no-session', '--provider', '--model', '--thinking', '--no-context-files', '--no-skills'] as const;

/** The reserved flags found in `args`, either bare or in their `--flag=value` form. */
export function findReservedPiFlags(args: readonly string[]): string[] {
  return args.filter((arg) => RESERVED_PI_FLAGS.some((flag) => arg === flag || arg.startsWith(`${flag}=`)));
}

const optionalText = z.string().trim().min(1).nullable().default(null);

/** `[runners.pi]`: unknown keys are rejected, every key has the documented default. */
export const PiRunnerConfigSchema = z.strictObject({
  command: z.string().trim().min(1).default('pi'),
  args: z
    .array(z.string())
    .default([])
    .superRefine((args, ctx) => {
      const reserved = findReservedPiFlags(args);
      if (reserved.length > 0) ctx.addIssue({ code: 'custom', message: `reserved pi runner flags are not allowed in runners.pi.args: ${reserved.join(', ')}` });
    }),
  provider: optionalText,
  /** Used when the stage request names no model, so pi never picks a model on its own. */
  model: optionalText,
  thinking: optionalText,
  disable_context_files: z.boolean().default(true),
  disable_skills: z.boolean().default(true),
  event_log_policy: z.enum(['failure_full', 'full']).default('failure_full'),
  env: z.record(z.string(), z.string()).default({}),
});
export type PiRunnerConfig = z.infer<typeof PiRunnerConfigSchema>;
export type PiRunnerConfigInput = z.input<typeof PiRunnerConfigSchema>;

/** Parse a config section; `undefined` (no `[runners.pi]` table) yields every default. */
export function parsePiRunnerConfig(input: unknown): PiRunnerConfig {
  const parsed = PiRunnerConfigSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  const path = ['runners', 'pi', ...(issue?.path ?? []).map(String)].join('.');
  throw new Error(`${path}: ${issue?.message ?? 'invalid'}`);
}

import { MAX_TIMER_SECONDS, STAGE_NAMES, timerSecondsMessage } from '@millrace/plugin-api';
import * as z from '@millrace/plugin-api/zod';

export const PermissionLevelSchema = z.enum(['basic', 'elevated', 'maximum']);
export type PermissionLevel = z.infer<typeof PermissionLevelSchema>;

/**
 * Flags Millrace owns on the claude command line; `runners.claude.args` may not set them, bare or as `--flag=value`.
 * `--continue`/`--resume` are refused too: every stage is a fresh session.
 */
export const RESERVED_CLAUDE_FLAGS = [
  '-p',
  '--print',
  '--input-format',
  '--output-format',
  '--verbose',
  '--model',
  '--permission-mode',
  '--allowedTools',
  '--allowed-tools',
  '--disallowedTools',
  '--disallowed-tools',
  '--max-turns',
  '--dangerously-skip-permissions',
  '--allow-dangerously-skip-permissions',
  '--no-session-persistence',
  '-c',
  '--continue',
  '-r',
  '--resume',
] as const;

export function findReservedClaudeFlags(args: readonly string[]): string[] {
  return args.filter((arg) => RESERVED_CLAUDE_FLAGS.some((flag) => arg === flag || (flag.startsWith('--') && arg.startsWith(`${flag}=`))));
}

/** Stage names a permission override may name: the 12 shipped stages plus the (out of scope) learning stages. */
const KNOWN_STAGE_NAMES: ReadonlySet<string> = new Set([...STAGE_NAMES, 'analyst', 'professor', 'curator']);

const optionalText = z.string().trim().min(1).nullable().default(null);
const optionalSeconds = z.number().int().positive().max(MAX_TIMER_SECONDS, timerSecondsMessage).nullable().default(null);

/**
 * Where claude keeps its state (`~/.claude`, `~/.claude.json`): `inherit` the operator's HOME, an `isolated`
 * throwaway HOME per stage (removed afterwards), or an absolute directory used as HOME.
 */
export const ClaudeHomeSchema = z.union([
  z.enum(['inherit', 'isolated']),
  z.string().trim().refine((v) => v.startsWith('/'), 'must be "inherit", "isolated" or an absolute directory'),
]);

/** `[runners.claude]`: unknown keys are rejected, every key has the documented default. */
export const ClaudeRunnerConfigSchema = z.strictObject({
  command: z.string().trim().min(1).default('claude'),
  args: z
    .array(z.string())
    .default([])
    .superRefine((args, ctx) => {
      const reserved = findReservedClaudeFlags(args);
      if (reserved.length > 0) ctx.addIssue({ code: 'custom', message: `reserved claude runner flags are not allowed in runners.claude.args: ${reserved.join(', ')}` });
    }),
  /** Used when the stage request names no model; null lets claude pick its default. */
  model: optionalText,
  permission_default: PermissionLevelSchema.default('basic'),
  permission_by_stage: z
    .record(z.string(), PermissionLevelSchema)
    .default({})
    .superRefine((byStage, ctx) => {
      const unknown = Object.keys(byStage).filter((stage) => !KNOWN_STAGE_NAMES.has(stage)).sort();
      if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `unknown stage names in runners.claude.permission_by_stage: ${unknown.join(', ')}` });
    }),
  max_turns: z.number().int().positive().nullable().default(null),
  home: ClaudeHomeSchema.default('inherit'),
  session_persistence: z.boolean().default(false),
  env: z.record(z.string(), z.string()).default({}),
  event_log_policy: z.enum(['failure_full', 'full']).default('failure_full'),
  /** A ceiling on every claude stage's timeout (the stage's own `timeout_seconds` applies when smaller). */
  timeout_seconds: optionalSeconds,
  /**
   * Host-owned (the host validates it and applies stall detection, since this runner reports every output line as
   * activity); accepted here because the host hands it back with the section.
   */
  stall_timeout_seconds: z.number().int().min(0).max(MAX_TIMER_SECONDS, timerSecondsMessage).nullable().default(null),
});
export type ClaudeRunnerConfig = z.infer<typeof ClaudeRunnerConfigSchema>;
export type ClaudeRunnerConfigInput = z.input<typeof ClaudeRunnerConfigSchema>;

/** Parse a config section; `undefined` (no `[runners.claude]` table) yields every default. */
export function parseClaudeRunnerConfig(input: unknown): ClaudeRunnerConfig {
  const parsed = ClaudeRunnerConfigSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  const path = ['runners', 'claude', ...(issue?.path ?? []).map(String)].join('.');
  throw new Error(`${path}: ${issue?.message ?? 'invalid'}`);
}

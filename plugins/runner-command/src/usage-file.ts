import { normalizeTokenUsage, type TokenUsage } from '@millrace/plugin-api';
import * as z from '@millrace/plugin-api/zod';

/**
 * The optional usage file a wrapped tool may write to `$MILLRACE_USAGE_PATH` (documented in docs/runners/command.md).
 * Token counts default to 0; `total_tokens` defaults to input + output.
 */
export const CommandUsageFileSchema = z.strictObject({
  model: z.string().min(1).optional(),
  input_tokens: z.number().int().min(0).optional(),
  cached_input_tokens: z.number().int().min(0).optional(),
  cache_write_input_tokens: z.number().int().min(0).optional(),
  output_tokens: z.number().int().min(0).optional(),
  thinking_tokens: z.number().int().min(0).optional(),
  total_tokens: z.number().int().min(0).optional(),
  cost_usd: z.number().min(0).optional(),
});

export type CommandUsage = { usage: TokenUsage; model: string | null; costUsd: number | null };

/** Pure: parse the file's text; a problem is reported as a note, never as a stage failure. */
export function parseCommandUsage(text: string): { ok: true; value: CommandUsage } | { ok: false; problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'not valid JSON' };
  }
  const parsed = CommandUsageFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` };
  }
  const { model, cost_usd: costUsd, ...tokens } = parsed.data;
  return { ok: true, value: { usage: normalizeTokenUsage(tokens), model: model ?? null, costUsd: costUsd ?? null } };
}

import type { CompilerConfig } from '../contracts/compiled-plan.js';

export const FALLBACK_MODE_ID = 'default_codex';

/**
 * Mode id for a compile: trimmed `--mode` if non-empty, else trimmed `runtime.default_mode`, else `default_codex`;
 * then alias resolution. The resolved id is used everywhere, even when it turns out to be unknown.
 */
export function resolveRequestedModeId(requested: string | null | undefined, config: CompilerConfig, aliases: ReadonlyMap<string, string>): string {
  const pick = [requested, config.runtime?.default_mode].map((v) => (v ?? '').trim().toLowerCase()).find((v) => v.length > 0) ?? FALLBACK_MODE_ID;
  return aliases.get(pick) ?? pick;
}

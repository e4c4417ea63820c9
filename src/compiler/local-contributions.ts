import { GraphLoopSchema, ModeSchema, type GraphLoop, type Mode } from '@millrace/plugin-api';
import { canonicalJson } from './canonical-json.js';
import type { CompilerRegistry, TaggedContribution } from '../contracts/compiled-plan.js';
import type { LocalContributionFile, LocalContributionProblem } from '../contracts/local-contributions.js';

export const WORKSPACE_ORIGIN_TYPE = 'workspace';

/**
 * Pure: add workspace-local modes and loops to the plugin registry at the lowest precedence. A file that repeats an id
 * a plugin contributes is skipped (silently when identical, e.g. the copy `init` deploys; with a warning when edited).
 */
export function withLocalContributions(registry: CompilerRegistry, files: LocalContributionFile[], problems: LocalContributionProblem[]): { registry: CompilerRegistry; warnings: string[] } {
  const warnings = problems.map((p) => `${p.file}: ${p.message}; ignored`);
  const modes = new Map(registry.modes);
  const loops = new Map(registry.loops);
  const modeAliases = new Map(registry.modeAliases);
  const origin = (file: string) => ({ name: file, version: WORKSPACE_ORIGIN_TYPE, type: WORKSPACE_ORIGIN_TYPE });

  const place = <T>(map: Map<string, TaggedContribution<T>>, id: string, item: T, file: string, what: string): boolean => {
    const existing = map.get(id);
    if (!existing) {
      map.set(id, { item, plugin: origin(file) });
      return true;
    }
    if (existing.plugin.type === WORKSPACE_ORIGIN_TYPE) warnings.push(`${file}: ${what} ${id} is also defined in ${existing.plugin.name}; ignored`);
    else if (canonicalJson(existing.item) !== canonicalJson(item)) {
      warnings.push(`${file}: ${what} ${id} differs from the one plugin ${existing.plugin.name}@${existing.plugin.version} contributes and is ignored (plugins take precedence); give it another id to use it`);
    }
    return false;
  };

  for (const { kind, file, data } of files) {
    const parsed = kind === 'mode' ? ModeSchema.safeParse(data) : GraphLoopSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      warnings.push(`${file}: ${issue?.path.map(String).join('.') || '(root)'}: ${issue?.message ?? 'invalid'}; ignored`);
      continue;
    }
    if (kind === 'mode') {
      const mode = parsed.data as Mode;
      if (place(modes, mode.mode_id, mode, file, 'mode')) for (const alias of mode.aliases) if (!modeAliases.has(alias)) modeAliases.set(alias, mode.mode_id);
    } else {
      const loop = parsed.data as GraphLoop;
      place(loops, loop.loop_id, loop, file, 'graph loop');
    }
  }
  return { registry: { ...registry, modes, loops, modeAliases }, warnings };
}

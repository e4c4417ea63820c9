import type { ConfigProvenance, RunnerSchemaSource } from '../contracts/config.js';
import { attributeIssues, type ConfigProblem } from './config-issues.js';

export type RunnerSectionsResult = { runners: Record<string, unknown>; problems: ConfigProblem[]; warnings: string[] };

/**
 * Pure: validate every `runners.<section>` table with the schema of the runner plugin that declares the section.
 * A declared section missing from the files gets its plugin's defaults (when the schema accepts `{}`);
 * a section no installed runner declares is kept as written and reported as a warning.
 */
export function validateRunnerSections(runners: Record<string, unknown>, source: RunnerSchemaSource, provenance: ConfigProvenance): RunnerSectionsResult {
  const out: Record<string, unknown> = { ...runners };
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  const claimed = new Set<string>();
  const owners = [...source.runners.values()].sort((a, b) => a.item.id.localeCompare(b.item.id));
  for (const { item, plugin } of owners) {
    const section = item.configSection;
    if (!section || !item.configSchema || section === 'default_runner' || claimed.has(section)) continue;
    claimed.add(section);
    const present = Object.hasOwn(runners, section);
    const parsed = item.configSchema.safeParse(present ? runners[section] : {});
    if (parsed.success) out[section] = parsed.data;
    else if (present) problems.push(...attributeIssues(parsed.error.issues, provenance, ['runners', section]).map((p) => ({ ...p, message: `${p.message} (schema of ${plugin.name})` })));
  }
  for (const section of Object.keys(runners)) {
    if (section !== 'default_runner' && !claimed.has(section)) {
      warnings.push(`runners.${section}: no installed runner plugin declares this config section; it is not validated`);
    }
  }
  return { runners: out, problems, warnings };
}

import type { ConfigSchemaLike } from '@millrace/plugin-api';
import { HOST_RUNNER_SECTION_KEYS, StallTimeoutSecondsSchema, type ConfigProvenance, type RunnerSchemaSource } from '../contracts/config.js';
import { attributeIssues, type ConfigProblem } from './config-issues.js';
import { localeOrder } from '../contracts/locale-order.js';

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
  const owners = [...source.runners.values()].sort((a, b) => localeOrder(a.item.id, b.item.id));
  for (const { item, plugin } of owners) {
    const section = item.configSection;
    if (!section || !item.configSchema || section === 'default_runner' || claimed.has(section)) continue;
    claimed.add(section);
    const present = Object.hasOwn(runners, section);
    const { own, host } = splitHostKeys(present ? runners[section] : {});
    const stall = host.stall_timeout_seconds === undefined ? null : StallTimeoutSecondsSchema.safeParse(host.stall_timeout_seconds);
    if (stall && !stall.success) problems.push(...attributeIssues(stall.error.issues, provenance, ['runners', section, 'stall_timeout_seconds']));
    const parsed = item.configSchema.safeParse(own);
    if (parsed.success) out[section] = isTable(parsed.data) && stall?.success ? { ...parsed.data, stall_timeout_seconds: stall.data } : parsed.data;
    else if (present) problems.push(...attributeIssues(parsed.error.issues, provenance, ['runners', section]).map((p) => ({ ...p, message: `${p.message} (schema of ${plugin.name})` })));
  }
  for (const section of Object.keys(runners)) {
    if (section !== 'default_runner' && !claimed.has(section)) {
      warnings.push(`runners.${section}: no installed runner plugin declares this config section; it is not validated`);
    }
  }
  return { runners: out, problems, warnings };
}

const isTable = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Host-owned keys (`stall_timeout_seconds`) never reach a runner's schema, which may reject unknown keys. */
export function splitHostKeys(section: unknown): { own: unknown; host: Record<string, unknown> } {
  if (!isTable(section)) return { own: section, host: {} };
  const own: Record<string, unknown> = { ...section };
  const host: Record<string, unknown> = {};
  for (const key of HOST_RUNNER_SECTION_KEYS) {
    if (Object.hasOwn(own, key)) {
      host[key] = own[key];
      delete own[key];
    }
  }
  return { own, host };
}

/**
 * Pure: the config a runner receives (`context.config`): its `runners.<section>` table without host-owned keys,
 * parsed with its own schema; the whole table when it declares no schema, `{}` when it declares no section.
 */
export function parseRunnerSection(item: { configSection?: string; configSchema?: ConfigSchemaLike }, runners: Readonly<Record<string, unknown>>): { ok: true; config: unknown } | { ok: false; message: string } {
  const section = item.configSection;
  const raw = section ? (runners[section] ?? {}) : {};
  if (!item.configSchema) return { ok: true, config: raw };
  const parsed = item.configSchema.safeParse(splitHostKeys(raw).own);
  if (parsed.success) return { ok: true, config: parsed.data };
  return { ok: false, message: `runners.${section}: ${parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ')}` };
}

import { maximumPermissionWarning } from '../config/permission-warning.js';
import { loadConfig } from '../config/load.js';
import type { ConfigSource, MillraceConfig, RunnerSchemaSource } from '../contracts/config.js';
import { requireInitializedWorkspace } from '../workspace/initialized.js';
import { readSnapshot } from '../workspace/state/snapshot-store.js';

/** `millrace config show --json` result. */
export type ConfigShowView = {
  workspace: string;
  config: MillraceConfig;
  /** Files read, lowest precedence first; the effective value of a key comes from the last file that sets it. */
  sources: ConfigSource[];
  /** Every effective leaf key -> the file it came from, or `defaults`. */
  provenance: Record<string, string>;
  /** Whether the config enforces budgets (`usage_governance.enabled`). */
  usage_governance_active: boolean;
  /** What the runtime last applied (from its snapshot, not recomputed): whether the files differ from what it uses. */
  runtime: { config_version: string; last_reload_outcome: 'applied' | 'failed_retained_previous_plan' | null; last_reload_error: string | null };
  warnings: string[];
};

const nonNull = <T>(value: T | null): T[] => (value === null ? [] : [value]);

/** Effective config of an initialized workspace, validated (runner sections by their plugins' schemas). */
export async function readConfigView(workspaceRoot: string, registry: RunnerSchemaSource): Promise<ConfigShowView> {
  const paths = requireInitializedWorkspace(workspaceRoot);
  const loaded = await loadConfig({ workspaceRoot: paths.workspaceRoot, registry });
  const snapshot = await readSnapshot(paths);
  return {
    workspace: paths.workspaceRoot,
    config: loaded.config,
    sources: loaded.sources,
    provenance: loaded.provenance,
    usage_governance_active: loaded.config.usage_governance.enabled,
    runtime: { config_version: snapshot.config_version, last_reload_outcome: snapshot.last_reload_outcome, last_reload_error: snapshot.last_reload_error },
    warnings: [...loaded.warnings, ...nonNull(maximumPermissionWarning(loaded.config))],
  };
}

/** Python's float formatting for whole numbers (`1.0`), which the reference's `config show` prints. */
const floatText = (value: number) => (Number.isInteger(value) ? value.toFixed(1) : String(value));

/**
 * Pure: the reference's summary block (config.md §4), then every effective key as `key = value  (source)` in config
 * order.
 */
export function renderConfigLines(view: ConfigShowView): string[] {
  const { config, runtime } = view;
  const lines = [
    `default_mode: ${config.runtime.default_mode}`,
    `run_style: ${config.runtime.run_style}`,
    `idle_sleep_seconds: ${floatText(config.runtime.idle_sleep_seconds)}`,
    `watchers.enabled: ${config.watchers.enabled}`,
    `usage_governance.enabled: ${config.usage_governance.enabled}`,
    `config_version: ${runtime.config_version}`,
    `last_reload_outcome: ${runtime.last_reload_outcome ?? 'none'}`,
    `last_reload_error: ${runtime.last_reload_error ?? 'none'}`,
    '',
    `workspace: ${view.workspace}`,
  ];
  lines.push(view.sources.length ? `sources (lowest precedence first): ${view.sources.map((s) => s.path).join(', ')}` : 'sources: none (defaults only)');
  for (const [key, source] of Object.entries(view.provenance)) lines.push(`${key} = ${JSON.stringify(valueAt(view.config, key))}  (${source})`);
  return lines;
}

function valueAt(config: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined), config);
}

import { loadConfig } from '../config/load.js';
import type { ConfigSource, MillraceConfig, RunnerSchemaSource } from '../contracts/config.js';
import { requireInitializedWorkspace } from '../workspace/initialized.js';

/** `millrace config show --json` result. */
export type ConfigShowView = {
  workspace: string;
  config: MillraceConfig;
  /** Files read, lowest precedence first; the effective value of a key comes from the last file that sets it. */
  sources: ConfigSource[];
  /** Every effective leaf key -> the file it came from, or `defaults`. */
  provenance: Record<string, string>;
  usage_governance_active: false;
  warnings: string[];
};

/** Effective config of an initialized workspace, validated (runner sections by their plugins' schemas). */
export async function readConfigView(workspaceRoot: string, registry: RunnerSchemaSource): Promise<ConfigShowView> {
  const paths = requireInitializedWorkspace(workspaceRoot);
  const loaded = await loadConfig({ workspaceRoot: paths.workspaceRoot, registry });
  return { workspace: paths.workspaceRoot, config: loaded.config, sources: loaded.sources, provenance: loaded.provenance, usage_governance_active: false, warnings: loaded.warnings };
}

/** Pure: `key = value  (source)` lines for text output, in config order. */
export function renderConfigLines(view: ConfigShowView): string[] {
  const lines = [`workspace: ${view.workspace}`];
  lines.push(view.sources.length ? `sources (lowest precedence first): ${view.sources.map((s) => s.path).join(', ')}` : 'sources: none (defaults only)');
  for (const [key, source] of Object.entries(view.provenance)) lines.push(`${key} = ${JSON.stringify(valueAt(view.config, key))}  (${source})`);
  return lines;
}

function valueAt(config: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined), config);
}

import type { Mode } from '@millrace/plugin-api';
import type { CompilerRegistry, PluginRef } from '../contracts/compiled-plan.js';
import { MillraceError } from '../errors/index.js';

export type ModeSummary = {
  mode_id: string;
  aliases: string[];
  plugin: string;
  contributed_by: PluginRef;
  description: string | null;
  loops: Record<string, string>;
  runners: string[];
};

/** `millrace modes list --json` result. */
export type ModesListView = { modes: ModeSummary[]; aliases: Array<{ alias: string; mode_id: string }>; problems: string[] };

/** `millrace modes show <MODE> --json` result. */
export type ModeShowView = ModeSummary & {
  requested: string;
  alias_of: string | null;
  stage_runner_bindings: Record<string, string>;
  stage_model_bindings: Record<string, string>;
  stage_entrypoint_overrides: Record<string, string>;
  stage_skill_additions: Record<string, string[]>;
  /** Runners the mode binds that no installed plugin provides (compiling the mode would fail). */
  missing_runners: string[];
};

function summary(registry: CompilerRegistry, mode: Mode, plugin: PluginRef): ModeSummary {
  return {
    mode_id: mode.mode_id,
    aliases: [...registry.modeAliases.entries()].filter(([, id]) => id === mode.mode_id).map(([alias]) => alias).sort(),
    plugin: plugin.name,
    contributed_by: { name: plugin.name, version: plugin.version, type: plugin.type },
    description: mode.description ?? null,
    loops: Object.fromEntries(Object.entries(mode.loop_ids_by_plane).filter((e): e is [string, string] => e[1] !== undefined)),
    runners: [...new Set(Object.values(mode.stage_runner_bindings))].sort(),
  };
}

export function buildModesListView(registry: CompilerRegistry): ModesListView {
  const modes = [...registry.modes.values()].map(({ item, plugin }) => summary(registry, item, plugin)).sort((a, b) => a.mode_id.localeCompare(b.mode_id));
  const aliases = [...registry.modeAliases.entries()].map(([alias, mode_id]) => ({ alias, mode_id })).sort((a, b) => a.alias.localeCompare(b.alias));
  const problems = (registry.problems ?? []).filter((p) => p.kind === undefined || p.kind === 'mode').map((p) => p.message);
  return { modes, aliases, problems };
}

export function buildModeShowView(registry: CompilerRegistry, requested: string): ModeShowView {
  const key = requested.trim().toLowerCase();
  const modeId = registry.modeAliases.get(key) ?? key;
  const tagged = registry.modes.get(modeId);
  if (!tagged) {
    const known = [...registry.modes.keys(), ...registry.modeAliases.keys()].sort().join(', ') || 'none';
    throw new MillraceError('NOT_FOUND', `Unknown mode id: ${requested} (installed modes and aliases: ${known})`, { field: 'MODE', hint: 'run `millrace modes list`, or install the plugin that contributes the mode with `millrace plugins install <plugin>`' });
  }
  const mode = tagged.item;
  return {
    requested,
    alias_of: modeId !== key ? modeId : null,
    ...summary(registry, mode, tagged.plugin),
    stage_runner_bindings: mode.stage_runner_bindings,
    stage_model_bindings: mode.stage_model_bindings,
    stage_entrypoint_overrides: mode.stage_entrypoint_overrides,
    stage_skill_additions: mode.stage_skill_additions,
    missing_runners: [...new Set(Object.values(mode.stage_runner_bindings))].filter((r) => !registry.runners.has(r)).sort(),
  };
}

const loopText = (loops: Record<string, string>) => Object.entries(loops).map(([plane, id]) => `${plane}_loop=${id}`).join(' ');

export function renderModesListLines(view: ModesListView): string[] {
  if (view.modes.length === 0) return ['No modes are installed.'];
  return [
    ...view.modes.map((m) => `${m.mode_id}: ${loopText(m.loops)} runners=${m.runners.join(',') || 'none'} plugin=${m.plugin}`),
    ...view.aliases.map((a) => `${a.alias} -> ${a.mode_id} (alias)`),
  ];
}

export function renderModeShowLines(view: ModeShowView): string[] {
  const map = (name: string, m: Record<string, string | string[]>) => Object.entries(m).map(([stage, v]) => `${name}.${stage}: ${Array.isArray(v) ? v.join(', ') : v}`);
  return [
    ...(view.alias_of ? [`alias_of: ${view.alias_of}`] : []),
    `mode_id: ${view.mode_id}`,
    ...(view.description ? [`description: ${view.description}`] : []),
    `contributed_by: ${view.contributed_by.name}@${view.contributed_by.version} (${view.contributed_by.type})`,
    ...Object.entries(view.loops).map(([plane, id]) => `${plane}_loop_id: ${id}`),
    ...(view.aliases.length ? [`aliases: ${view.aliases.join(', ')}`] : []),
    ...map('runner', view.stage_runner_bindings),
    ...map('model', view.stage_model_bindings),
    ...map('entrypoint', view.stage_entrypoint_overrides),
    ...map('skills', view.stage_skill_additions),
    ...(view.missing_runners.length ? [`missing_runners: ${view.missing_runners.join(', ')} (install the plugins that provide them with \`millrace plugins install <plugin>\`)`] : []),
  ];
}

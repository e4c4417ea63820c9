import {
  ContributionBundleShapeSchema,
  GraphLoopSchema,
  ModeSchema,
  PLUGIN_API_VERSION,
  RunnerContributionShapeSchema,
  StageKindSchema,
  type GraphLoop,
  type Mode,
  type RunnerContribution,
  type StageKind,
} from '@millrace/plugin-api';
import { localeOrder } from '../contracts/locale-order.js';

/** Where a contribution came from. `type` is oclif's plugin type. */
export type PluginOrigin = { name: string; version: string; type: string; root?: string };

export type Tagged<T> = { item: T; plugin: PluginOrigin };

export type RegistryProblem = {
  code: 'HOOK_FAILED' | 'BUNDLE_INVALID' | 'API_VERSION_MISMATCH' | 'ITEM_INVALID' | 'DUPLICATE_CONTRIBUTION';
  plugin: string;
  message: string;
  /** The contribution kind and id concerned, when there is one. */
  kind?: ContributionKind;
  id?: string;
};

export type ContributionKind = 'runner' | 'mode' | 'loop' | 'stage_kind';

export type HookSuccess = { plugin: PluginOrigin; result: unknown };
export type HookFailure = { plugin: PluginOrigin; error: unknown };

export type Registry = {
  runners: Map<string, Tagged<RunnerContribution>>;
  modes: Map<string, Tagged<Mode>>;
  loops: Map<string, Tagged<GraphLoop>>;
  stageKinds: Map<string, Tagged<StageKind>>;
  /** Mode alias -> canonical mode id. */
  modeAliases: Map<string, string>;
  /** Ids contributed by two plugins: unusable until one is removed. */
  conflicts: Map<string, PluginOrigin[]>;
  problems: RegistryProblem[];
  plugins: PluginOrigin[];
};

/**
 * Precedence: linked (and dev) plugins, then user-installed, then core; ties by plugin name.
 * Results are ordered by this, never by hook completion order.
 */
const TYPE_RANK: Record<string, number> = { link: 0, dev: 0, user: 1, core: 2 };
export function comparePluginPrecedence(a: PluginOrigin, b: PluginOrigin): number {
  const rank = (TYPE_RANK[a.type] ?? 3) - (TYPE_RANK[b.type] ?? 3);
  return rank !== 0 ? rank : localeOrder(a.name, b.name);
}

const describe = (p: PluginOrigin) => `${p.name}@${p.version} (${p.type})`;

function firstIssue(error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> }): string {
  const [issue] = error.issues;
  if (!issue) return 'invalid';
  return `${issue.path.length ? issue.path.map(String).join('.') + ': ' : ''}${issue.message}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Pure: validate and index hook results into a registry. */
export function buildRegistry(successes: HookSuccess[], failures: HookFailure[]): Registry {
  const registry: Registry = {
    runners: new Map(),
    modes: new Map(),
    loops: new Map(),
    stageKinds: new Map(),
    modeAliases: new Map(),
    conflicts: new Map(),
    problems: [],
    plugins: [],
  };
  for (const failure of [...failures].sort((a, b) => comparePluginPrecedence(a.plugin, b.plugin))) {
    registry.problems.push({ code: 'HOOK_FAILED', plugin: failure.plugin.name, message: `plugin ${describe(failure.plugin)} failed to contribute: ${errorMessage(failure.error)}` });
  }
  const ordered = [...successes].filter((s) => s.result !== undefined && s.result !== null).sort((a, b) => comparePluginPrecedence(a.plugin, b.plugin));
  for (const { plugin, result } of ordered) {
    const shape = ContributionBundleShapeSchema.safeParse(result);
    if (!shape.success) {
      registry.problems.push({ code: 'BUNDLE_INVALID', plugin: plugin.name, message: `plugin ${describe(plugin)} returned an invalid contribution bundle: ${firstIssue(shape.error)}` });
      continue;
    }
    if (shape.data.apiVersion !== PLUGIN_API_VERSION) {
      registry.problems.push({ code: 'API_VERSION_MISMATCH', plugin: plugin.name, message: `plugin ${describe(plugin)} targets plugin API ${shape.data.apiVersion}, this host supports ${PLUGIN_API_VERSION}` });
      continue;
    }
    registry.plugins.push(plugin);
    const add = <T>(kind: ContributionKind, map: Map<string, Tagged<T>>, id: string, item: T) => {
      const key = `${kind}:${id}`;
      const existing = map.get(id);
      if (existing) {
        const owners = registry.conflicts.get(key) ?? [existing.plugin];
        owners.push(plugin);
        registry.conflicts.set(key, owners);
        registry.problems.push({
          code: 'DUPLICATE_CONTRIBUTION',
          plugin: plugin.name,
          kind,
          id,
          message: `${kind.replace('_', ' ')} '${id}' is contributed by both ${describe(existing.plugin)} and ${describe(plugin)}; uninstall one of them`,
        });
        return;
      }
      map.set(id, { item, plugin });
    };
    const invalid = (kind: ContributionKind, index: number, detail: string, id?: string) =>
      registry.problems.push({ code: 'ITEM_INVALID', plugin: plugin.name, kind, id, message: `plugin ${describe(plugin)}: ${kind.replace('_', ' ')} #${index}${id ? ` '${id}'` : ''} is invalid: ${detail}` });

    (shape.data.stageKinds ?? []).forEach((raw, i) => {
      const parsed = StageKindSchema.safeParse(raw);
      if (parsed.success) add('stage_kind', registry.stageKinds, parsed.data.stage_kind_id, parsed.data);
      else invalid('stage_kind', i, firstIssue(parsed.error), (raw as { stage_kind_id?: string })?.stage_kind_id);
    });
    (shape.data.loops ?? []).forEach((raw, i) => {
      const parsed = GraphLoopSchema.safeParse(raw);
      if (parsed.success) add('loop', registry.loops, parsed.data.loop_id, parsed.data);
      else invalid('loop', i, firstIssue(parsed.error), (raw as { loop_id?: string })?.loop_id);
    });
    (shape.data.modes ?? []).forEach((raw, i) => {
      const parsed = ModeSchema.safeParse(raw);
      if (!parsed.success) return invalid('mode', i, firstIssue(parsed.error), (raw as { mode_id?: string })?.mode_id);
      add('mode', registry.modes, parsed.data.mode_id, parsed.data);
      for (const alias of parsed.data.aliases) {
        if (!registry.modeAliases.has(alias)) registry.modeAliases.set(alias, parsed.data.mode_id);
      }
    });
    (shape.data.runners ?? []).forEach((raw, i) => {
      const parsed = RunnerContributionShapeSchema.safeParse(raw);
      if (parsed.success) add('runner', registry.runners, parsed.data.id, parsed.data as RunnerContribution);
      else invalid('runner', i, firstIssue(parsed.error), (raw as { id?: string })?.id);
    });
  }
  return registry;
}

/** Canonical mode id for an id or alias. */
export function resolveModeId(registry: Registry, id: string): string {
  const trimmed = id.trim().toLowerCase();
  return registry.modeAliases.get(trimmed) ?? trimmed;
}

/** Problems that explain why `id` of `kind` is missing or unusable (for "needs the missing contribution" errors). */
export function problemsFor(registry: Registry, kind: ContributionKind, id: string): RegistryProblem[] {
  return registry.problems.filter((p) => (p.kind === kind && p.id === id) || p.code === 'HOOK_FAILED' || p.code === 'BUNDLE_INVALID' || p.code === 'API_VERSION_MISMATCH');
}

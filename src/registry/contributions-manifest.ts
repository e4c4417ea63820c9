import type { ConfigSchemaLike, GraphLoop, Mode, RunnerContribution, StageKind } from '@millrace/plugin-api';
import { MillraceError } from '../errors/index.js';
import type { PluginOrigin, Registry, RegistryProblem, Tagged } from './registry.js';

/**
 * The contributions manifest: a registry as plain data (like oclif.manifest.json for commands), so that read commands
 * know the installed modes, loops, stage kinds and runners without loading any plugin module or running any
 * `millrace:contribute` hook. It holds what the read paths use of a runner (id, config section) and, instead of the
 * runner's config schema (code), the results that schema gave: `validations`, keyed by runner id and the canonical
 * JSON of the section it parsed. A section it has not seen makes the registry incomplete (the caller then collects
 * the real registry). Whoever stores it keys it by a fingerprint of the installed plugins, so any plugin change
 * (install, link, uninstall, upgrade, an edited package.json or hook file) makes it stale.
 */
export type ContributionsManifest = {
  plugins: PluginOrigin[];
  problems: RegistryProblem[];
  conflicts: Array<[string, PluginOrigin[]]>;
  modes: Array<Tagged<Mode>>;
  loops: Array<Tagged<GraphLoop>>;
  stageKinds: Array<Tagged<StageKind>>;
  modeAliases: Array<[string, string]>;
  /** `preflightModule`: the URL of the module whose default export is the runner's preflight, when the plugin names one. */
  runners: Array<{ item: { id: string; description: string; configSection?: string; hasConfigSchema: boolean; reportsActivity?: boolean; preflightModule?: string }; plugin: PluginOrigin }>;
  /** `<runner id>\0<canonical JSON of the section>` -> what the runner's schema made of it, as JSON. */
  validations: Record<string, StoredValidation>;
};

/** JSON with object keys sorted: the same value always gives the same text. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as Record<string, unknown>)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Whether a value survives JSON unchanged (no undefined, functions, dates, NaN or class instances). */
function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value as Record<string, unknown>).every(isPlainJson);
  return false;
}

/** A schema result as stored: the parsed data, or the issues (an absent section's failure is not an error). */
export type StoredValidation = { data: unknown } | { issues: unknown[] };

const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value) ?? 'null');

const validationKey = (runnerId: string, input: unknown) => `${runnerId}\0${stableJson(input)}`;

/**
 * The collected registry, with every runner's config schema wrapped so that the sections it accepts are remembered
 * (into `validations`) for the manifest. Parsing results are unchanged.
 */
export function recordingValidations(registry: Registry, validations: Map<string, StoredValidation>): Registry {
  const runners = new Map<string, Tagged<RunnerContribution>>();
  for (const [id, tagged] of registry.runners) {
    const schema = tagged.item.configSchema;
    if (!schema) {
      runners.set(id, tagged);
      continue;
    }
    const recording: ConfigSchemaLike = {
      safeParse(input: unknown) {
        const result = schema.safeParse(input);
        if (isPlainJson(input)) {
          try {
            validations.set(validationKey(id, input), result.success ? { data: viaJson(result.data) } : { issues: viaJson(result.error?.issues ?? []) as unknown[] });
          } catch {
            // a result JSON cannot hold (a cycle, a BigInt) is not remembered: that section is always asked of the plugin
          }
        }
        return result;
      },
    };
    runners.set(id, { item: { ...tagged.item, configSchema: recording }, plugin: tagged.plugin });
  }
  return { ...registry, runners };
}

/** Pure: the manifest of a collected registry and the section validations seen so far. */
export function toContributionsManifest(registry: Registry, validations: ReadonlyMap<string, StoredValidation>): ContributionsManifest {
  return {
    plugins: registry.plugins,
    problems: registry.problems,
    conflicts: [...registry.conflicts],
    modes: [...registry.modes.values()],
    loops: [...registry.loops.values()],
    stageKinds: [...registry.stageKinds.values()],
    modeAliases: [...registry.modeAliases],
    runners: [...registry.runners.values()].map(({ item, plugin }) => ({
      item: { id: item.id, description: item.description, configSection: item.configSection, hasConfigSchema: item.configSchema !== undefined, reportsActivity: item.reportsActivity, preflightModule: item.preflightModule },
      plugin,
    })),
    validations: Object.fromEntries(validations),
  };
}

export type ManifestRegistry = {
  registry: Registry;
  /** Whether a runner's config section was asked for that the manifest has no result for: results are then incomplete. */
  incomplete(): boolean;
};

/** Pure: a registry backed by a manifest. Its runners cannot be loaded (read commands never run a stage). */
export function registryFromManifest(manifest: ContributionsManifest): ManifestRegistry {
  let missed = false;
  const runners = new Map<string, Tagged<RunnerContribution>>();
  for (const { item, plugin } of manifest.runners) {
    const configSchema: ConfigSchemaLike | undefined = item.hasConfigSchema
      ? {
          safeParse(input: unknown) {
            const key = validationKey(item.id, input);
            const stored = Object.hasOwn(manifest.validations, key) ? manifest.validations[key] : undefined;
            if (stored && 'data' in stored) return { success: true, data: structuredClone(stored.data) };
            if (stored && 'issues' in stored) return { success: false, error: { issues: structuredClone(stored.issues) as never } };
            missed = true;
            return { success: true, data: input };
          },
        }
      : undefined;
    const load = async (): Promise<never> => {
      throw new MillraceError('INTERNAL', `runner ${item.id} was listed from the contributions manifest and cannot be loaded`);
    };
    runners.set(item.id, { item: { id: item.id, description: item.description, configSection: item.configSection, configSchema, reportsActivity: item.reportsActivity, preflightModule: item.preflightModule, load }, plugin });
  }
  const byId = <T>(list: Array<Tagged<T>>, id: (item: T) => string) => new Map(list.map((tagged) => [id(tagged.item), tagged]));
  return {
    registry: {
      runners,
      modes: byId(manifest.modes, (m) => m.mode_id),
      loops: byId(manifest.loops, (l) => l.loop_id),
      stageKinds: byId(manifest.stageKinds, (s) => s.stage_kind_id),
      modeAliases: new Map(manifest.modeAliases),
      conflicts: new Map(manifest.conflicts),
      problems: manifest.problems,
      plugins: manifest.plugins,
    },
    incomplete: () => missed,
  };
}

import { CONTRIBUTE_EVENT } from '@millrace/plugin-api';
import { join } from 'node:path';
import * as z from '@millrace/plugin-api/zod';
import type { Registry } from './registry.js';
import { recordingValidations, registryFromManifest, toContributionsManifest, type ContributionsManifest } from './contributions-manifest.js';

/** Where the manifest lives (file I/O is the workspace's: see workspace/contributions-manifest.ts). */
export type ContributionsManifestStore = {
  /** The stored manifest when it was written for exactly the installed plugins (fingerprint); undefined otherwise. */
  read(): unknown;
  /** Best effort: a read-only cache directory only loses the speed-up. */
  write(manifest: ContributionsManifest): Promise<void>;
};

/**
 * The manifest's shape. Its items were validated by the plugin API's schemas when collected, and the store's digest
 * proves they are what was written, so they are not parsed again (that parsing is what the manifest saves).
 */
const ManifestShapeSchema = z.object({
  plugins: z.array(z.object({ name: z.string(), version: z.string(), type: z.string() }).loose()),
  problems: z.array(z.object({ code: z.string(), plugin: z.string(), message: z.string() }).loose()),
  conflicts: z.array(z.tuple([z.string(), z.array(z.unknown())])),
  modes: z.array(z.object({ item: z.object({ mode_id: z.string() }).loose(), plugin: z.unknown() })),
  loops: z.array(z.object({ item: z.object({ loop_id: z.string() }).loose(), plugin: z.unknown() })),
  stageKinds: z.array(z.object({ item: z.object({ stage_kind_id: z.string() }).loose(), plugin: z.unknown() })),
  modeAliases: z.array(z.tuple([z.string(), z.string()])),
  runners: z.array(z.object({ item: z.object({ id: z.string(), description: z.string(), configSection: z.string().optional(), hasConfigSchema: z.boolean(), preflightModule: z.string().optional() }).loose(), plugin: z.unknown() })),
  validations: z.record(z.string(), z.union([z.object({ issues: z.array(z.unknown()) }), z.object({ data: z.unknown() })])),
});

export type CachedRegistry = {
  /** From the manifest when it is current, else the collected registry. */
  registry: Registry;
  /** Whether `registry` came from the manifest (no plugin module loaded): its runners cannot be loaded or preflighted. */
  fromManifest: boolean;
  /** Whether work done with `registry` needs a runner schema result the manifest lacks: redo it with `collect()`. */
  incomplete(): boolean;
  /** The collected registry (every plugin's hook; once), whose schema results go into the next save. */
  collect(): Promise<Registry>;
  /** Write the manifest when the registry was collected (new plugins, or schema results the manifest lacked). */
  save(): Promise<void>;
};

/** An installed plugin and the files whose change may change its contributions: package.json and its contribution hooks. */
export type InstalledPluginFiles = { name: string; version: string; type: string; root: string; files: string[] };

type OclifPluginLike = { name: string; version: string; type: string; root: string; hooks: Record<string, ReadonlyArray<string | { target: string }> | undefined> };

/** Pure: what fingerprints oclif's plugin list. */
export function installedPluginFiles(plugins: readonly OclifPluginLike[]): InstalledPluginFiles[] {
  return plugins.map((plugin) => ({
    name: plugin.name,
    version: plugin.version,
    type: plugin.type,
    root: plugin.root,
    files: [join(plugin.root, 'package.json'), ...(plugin.hooks[CONTRIBUTE_EVENT] ?? []).map((hook) => join(plugin.root, typeof hook === 'string' ? hook : hook.target))],
  }));
}

/**
 * The registry for read commands: the persisted contributions manifest while the installed plugins are unchanged,
 * so no plugin module loads; otherwise (and when the manifest lacks a result) every plugin's hook, as always.
 */
export async function openCachedRegistry(store: ContributionsManifestStore, collectFresh: () => Promise<Registry>): Promise<CachedRegistry> {
  const parsed = ManifestShapeSchema.safeParse(store.read());
  const stored = parsed.success ? (parsed.data as unknown as ContributionsManifest) : undefined;
  const validations = new Map(Object.entries(stored?.validations ?? {}));
  let collected: Promise<Registry> | undefined;
  const collect = () => (collected ??= collectFresh().then((fresh) => recordingValidations(fresh, validations)));
  const fromManifest = stored ? registryFromManifest(stored) : undefined;
  return {
    registry: fromManifest?.registry ?? (await collect()),
    fromManifest: fromManifest !== undefined,
    incomplete: () => fromManifest?.incomplete() ?? false,
    collect,
    async save() {
      if (collected) await store.write(toContributionsManifest(await collected, validations));
    },
  };
}

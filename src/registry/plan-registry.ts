import type { RunnerContribution } from '@millrace/plugin-api';
import type { Registry, Tagged } from './registry.js';

type Runners = Registry['runners'];

/** Pure: the plugins whose hooks must run for `runnerIds` to be live contributions (each id's owner in `listed`). */
export function pluginsOwning(listed: Runners, runnerIds: Iterable<string>): string[] {
  const names = new Set<string>();
  for (const id of runnerIds) {
    const owner = listed.get(id)?.plugin.name;
    if (owner !== undefined) names.add(owner);
  }
  return [...names].sort();
}

/**
 * Pure: runners `runnerIds` as their plugins contribute them now (`loaded`: those plugins' hooks just ran), for a
 * registry read from the contributions manifest. A runner its plugin no longer contributes (its hook failed, or it
 * returns another bundle than when the manifest was written) keeps its listed entry with a preflight that fails with
 * the reason, so the check reports the plugin instead of skipping the runner.
 */
export function liveRunners(listed: Runners, loaded: Pick<Registry, 'runners' | 'problems'>, runnerIds: Iterable<string>): Runners {
  const out = new Map<string, Tagged<RunnerContribution>>();
  for (const id of runnerIds) {
    const live = loaded.runners.get(id);
    if (live) {
      out.set(id, live);
      continue;
    }
    const entry = listed.get(id);
    if (!entry) continue;
    const reasons = loaded.problems.filter((p) => p.plugin === entry.plugin.name).map((p) => p.message);
    const reason = reasons.length > 0 ? reasons.join('; ') : `plugin ${entry.plugin.name} no longer contributes runner ${id}`;
    out.set(id, {
      item: {
        ...entry.item,
        preflight: () => {
          throw new Error(reason);
        },
      },
      plugin: entry.plugin,
    });
  }
  return out;
}

type Preflight = NonNullable<RunnerContribution['preflight']>;

/**
 * The preflight of each of `runnerIds` whose listed entry names a `preflightModule` (a `file:` URL whose default export
 * is the runner's preflight), imported without running its plugin's hook. A runner without one, or whose module does
 * not import or exports no function, is left out: its plugin's hook runs instead (liveRunners), as for any plugin.
 */
export async function importedPreflights(listed: Runners, runnerIds: Iterable<string>, importModule: (url: string) => Promise<unknown> = (url) => import(url)): Promise<Runners> {
  const out = new Map<string, Tagged<RunnerContribution>>();
  for (const id of runnerIds) {
    const entry = listed.get(id);
    const url = entry?.item.preflightModule;
    if (!entry || url === undefined || !url.startsWith('file:')) continue;
    const preflight = await importModule(url).then(
      (module) => (module as { default?: unknown } | null)?.default,
      () => undefined,
    );
    if (typeof preflight === 'function') out.set(id, { item: { ...entry.item, preflight: preflight as Preflight }, plugin: entry.plugin });
  }
  return out;
}

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

import { CONTRIBUTE_EVENT, PLUGIN_API_VERSION, type ContributeOptions } from '@millrace/plugin-api';
import type { Config } from '@oclif/core';
import { buildRegistry, type HookFailure, type HookSuccess, type PluginOrigin, type Registry } from './registry.js';

/** Per-hook timeout: a hung plugin must not hang the CLI. */
const HOOK_TIMEOUT_MS = 10_000;

type OclifPluginLike = { name: string; version: string; type: string; root?: string };
const origin = (p: OclifPluginLike): PluginOrigin => ({ name: p.name, version: p.version, type: p.type, root: p.root });

/**
 * Fire `millrace:contribute` on every installed plugin, or only on the plugins named in `only` (oclif's own hook
 * runner over that part of its plugin list); failures are captured, never thrown.
 */
export async function collectContributions(config: Config, only?: ReadonlySet<string>): Promise<Registry> {
  const options: ContributeOptions = { hostVersion: config.version, apiVersion: PLUGIN_API_VERSION };
  const scope: Config = only ? Object.create(config, { plugins: { value: new Map([...config.plugins].filter(([name]) => only.has(name))) } }) : config;
  const result = await scope.runHook(CONTRIBUTE_EVENT, options, HOOK_TIMEOUT_MS, true);
  const successes: HookSuccess[] = result.successes.map((s) => ({ plugin: origin(s.plugin), result: s.result }));
  const failures: HookFailure[] = result.failures.map((f) => ({ plugin: origin(f.plugin), error: f.error }));
  return buildRegistry(successes, failures);
}

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ContributionBundle } from '@millrace/plugin-api';
import { REPO_ROOT } from './source-files.js';

/**
 * Each first-party runner names its preflight's module (`RunnerContribution.preflightModule`), so that `compile
 * validate` with a current contributions manifest imports that module alone instead of running the plugin's hook,
 * which loads zod and the plugin API's entry point. Checked on the built plugins (`npm run build`), as the host loads them.
 */
const RUNNER_PLUGINS = ['runner-codex-cli', 'runner-claude-code', 'runner-pi-rpc', 'runner-command'];
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']([^"']+)["']/g;
const PLUGIN_API_ROOT = join(REPO_ROOT, 'plugins', 'plugin-api');

/** Every module a built file loads (relative imports followed; @millrace/plugin-api subpaths mapped through its exports). */
function moduleGraph(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const apiExports = (JSON.parse(readFileSync(join(PLUGIN_API_ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string | { default: string }> }).exports;
  for (const [, spec] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    if (spec!.startsWith('node:')) continue;
    if (spec!.startsWith('.')) moduleGraph(resolve(dirname(file), spec!), seen);
    else if (spec!.startsWith('@millrace/plugin-api')) {
      const target = apiExports[`.${spec!.slice('@millrace/plugin-api'.length)}`];
      const path = join(PLUGIN_API_ROOT, typeof target === 'string' ? target : (target?.default ?? 'missing-export'));
      moduleGraph(path, seen);
    } else seen.add(`package ${spec}`);
  }
  return seen;
}

describe('runner preflight modules (built plugins)', () => {
  it.each(RUNNER_PLUGINS)('%s: its hook names a module whose default export is its preflight', async (plugin) => {
    const hook = join(REPO_ROOT, 'plugins', plugin, 'dist', 'hooks', 'contribute.js');
    const contribute = (await import(pathToFileURL(hook).href)) as { default: () => Promise<ContributionBundle> };
    const [runner] = (await contribute.default()).runners ?? [];
    expect(runner?.preflightModule).toBe(pathToFileURL(join(REPO_ROOT, 'plugins', plugin, 'dist', 'preflight.js')).href);
    const module = (await import(runner!.preflightModule!)) as { default: unknown };
    expect(module.default).toBe(runner?.preflight);
    // the same answer as the hook's preflight, for a command that is nowhere
    const input = { workspaceRoot: REPO_ROOT, runtimeRoot: join(REPO_ROOT, 'millrace-agents'), config: { command: 'millrace-no-such-harness', env: {} }, stages: ['builder'] };
    expect((module.default as NonNullable<typeof runner>['preflight'])?.(input)).toMatchObject({ problem: expect.stringContaining(`runner ${runner?.id}: executable "millrace-no-such-harness" is not on PATH`) });
  });

  it.each(RUNNER_PLUGINS)('%s: the preflight module loads neither zod nor the plugin API entry point', (plugin) => {
    const file = join(REPO_ROOT, 'plugins', plugin, 'dist', 'preflight.js');
    expect(existsSync(file)).toBe(true);
    const loaded = [...moduleGraph(file)].map((path) => (path.startsWith('package ') ? path : relative(REPO_ROOT, path)));
    expect(loaded.sort()).toEqual(['plugins/plugin-api/dist/executable.js', `plugins/${plugin}/dist/preflight.js`].sort());
  });

  it('the check follows imports (it can fail)', () => {
    const loaded = [...moduleGraph(join(REPO_ROOT, 'plugins', 'runner-codex-cli', 'dist', 'hooks', 'contribute.js'))];
    expect(loaded).toContain(join(PLUGIN_API_ROOT, 'dist', 'zod.js'));
  });
});

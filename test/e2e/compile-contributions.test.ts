import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonFailure, JsonSuccess } from '../../src/cli/base-command.js';
import type { CompileValidateResult } from '../../src/commands/compile/validate.js';
import { jsonOf, REPO_ROOT, runCli } from '../support/cli.js';
import { FAST_PROBE_HOOK, FAST_PROBE_PREFLIGHT, installPlugin, probeHook, writeProbePlugin } from '../support/probe-plugin.js';

/**
 * `compile validate` reads modes, loops and stage kinds from the contributions manifest and loads only the plugins of
 * the runners its plan binds (their preflight checks this machine): a user-installed plugin's runner is still
 * checked live on every run, a broken plugin is still named, and installing or uninstalling a plugin refreshes it.
 */
const THROWING = join(REPO_ROOT, 'test', 'fixtures', 'plugin-throwing');
const E2E_TIMEOUT_MS = 300_000;
let home: string;
let env: Record<string, string>;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'millrace-compile-contributions-'));
  env = { MILLRACE_DATA_DIR: join(home, 'data'), MILLRACE_CACHE_DIR: join(home, 'cache'), MILLRACE_CONFIG_DIR: join(home, 'config') };
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const install = (dir: string) => installPlugin(dir, join(home, 'pack'), env);

const validate = (workspace: string, extra: Record<string, string> = {}) => runCli(['compile', 'validate', '-w', workspace, '--mode', 'probe_mode', '--json'], { env: { ...env, ...extra } });

describe('compile validate with the contributions manifest', () => {
  it("runs an installed plugin's preflight on every run, names a broken plugin, and follows installs and uninstalls", async () => {
    const probe = join(home, 'probe-plugin');
    await writeProbePlugin(probe, 'millrace-plugin-probe', { 'contribute.js': probeHook() });
    await install(probe);
    await install(THROWING);
    const workspace = join(home, 'ws');
    await mkdir(workspace);
    expect((await runCli(['init', '-w', workspace], { env })).exitCode).toBe(0);

    // The first run collects every plugin and writes the manifest; the next ones read it, and still ask the plugin.
    const results = [];
    for (const missing of ['1', '', '1']) {
      const run = await validate(workspace, missing ? { PROBE_MISSING: missing } : {});
      expect(run.exitCode).toBe(0);
      results.push(jsonOf<JsonSuccess<CompileValidateResult>>(run).result.unavailable_runners.map((u) => `${u.runner}: ${u.problem}`));
      expect(readdirSync(join(home, 'cache')).filter((name) => name.startsWith('contributions-'))).toHaveLength(1);
    }
    expect(results).toEqual([['probe: probe tool is missing'], [], ['probe: probe tool is missing']]);

    // The broken plugin is named where a contribution is missing, from the manifest as when its hook ran.
    for (let run = 0; run < 2; run += 1) {
      const failed = await runCli(['compile', 'validate', '-w', workspace, '--mode', 'no_such_mode', '--json'], { env });
      expect(failed.exitCode).toBe(1);
      expect(jsonOf<JsonFailure>(failed).error.message).toContain('plugin millrace-plugin-throwing@0.0.1 (user) failed to contribute: echo of doom: contribution hook exploded');
    }

    // A runner that names its preflight module is checked through that module alone: its plugin's hook ran only
    // when the manifest was collected (above), never for the validations of its own mode.
    const fast = join(home, 'fast-probe-plugin');
    await writeProbePlugin(fast, 'millrace-plugin-fast-probe', { 'contribute.js': FAST_PROBE_HOOK, 'preflight.js': FAST_PROBE_PREFLIGHT });
    await install(fast);
    const hookLog = join(home, 'fast-probe-hook.log');
    const fastResults = [];
    for (const missing of ['1', '', '1', '']) {
      const run = await runCli(['compile', 'validate', '-w', workspace, '--mode', 'fast_probe_mode', '--json'], { env: { ...env, PROBE_HOOK_LOG: hookLog, ...(missing ? { PROBE_MISSING: missing } : {}) } });
      expect(run.exitCode).toBe(0);
      fastResults.push(jsonOf<JsonSuccess<CompileValidateResult>>(run).result.unavailable_runners.map((u) => `${u.runner}: ${u.problem}`));
    }
    expect(fastResults).toEqual([['fast_probe: fast probe tool is missing'], [], ['fast_probe: fast probe tool is missing'], []]);
    expect(readFileSync(hookLog, 'utf8')).toBe('hook ran\n'); // the first run: the install made the manifest stale

    // Uninstalling changes the plugin list: the manifest is stale and the mode is gone.
    expect((await runCli(['plugins', 'uninstall', 'millrace-plugin-probe'], { env })).exitCode).toBe(0);
    const gone = await validate(workspace);
    expect(gone.exitCode).toBe(1);
    expect(jsonOf<JsonFailure>(gone).error.message).toContain('probe_mode');
  }, E2E_TIMEOUT_MS);
});

import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonFailure, JsonSuccess } from '../../src/cli/base-command.js';
import type { RunOnceResult } from '../../src/commands/run/once.js';
import { jsonOf, runCli } from '../support/cli.js';
import { installPlugin, probeHook, writeProbePlugin } from '../support/probe-plugin.js';
import { createRuntimeWorkspace, mdIn, writeTask } from '../support/runtime-workspace.js';

/**
 * `run once` reads modes, loops and stage kinds from the contributions manifest and runs the hooks of only the plugins
 * whose runners the plan and config can dispatch to: an installed plugin no stage uses is not loaded, while a plugin
 * whose runner the plan binds is asked live (its preflight) on every run.
 */
const E2E_TIMEOUT_MS = 300_000;
let home: string;
let env: Record<string, string>;
let root = '';
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'millrace-run-contributions-'));
  env = { MILLRACE_DATA_DIR: join(home, 'data'), MILLRACE_CACHE_DIR: join(home, 'cache'), MILLRACE_CONFIG_DIR: join(home, 'config'), PROBE_LOG: join(home, 'probe.log') };
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
  if (root) await rm(root, { recursive: true, force: true });
  root = '';
});

const install = (dir: string) => installPlugin(dir, join(home, 'pack'), env);

const hookRuns = () => (existsSync(env.PROBE_LOG!) ? readFileSync(env.PROBE_LOG!, 'utf8').split('\n').filter(Boolean).length : 0);

describe('run once with the contributions manifest', () => {
  it("loads only the plugins of the runners it can dispatch to, and still asks a bound runner's plugin on every run", async () => {
    const probe = join(home, 'probe-plugin');
    await writeProbePlugin(probe, 'millrace-plugin-probe', { 'contribute.js': probeHook({ logEnv: 'PROBE_LOG' }) });
    await install(probe);
    let runtime: string;
    ({ root, runtime } = await createRuntimeWorkspace());
    writeTask(runtime, 'first-task');

    // The first run collects every plugin and writes the manifest; the next one reads it and does not load the probe
    // plugin, whose runner no stage of the command mode uses.
    const before = hookRuns();
    const stages: Array<string | null> = [];
    for (let run = 0; run < 2; run += 1) {
      const once = await runCli(['run', 'once', '-w', root, '--json'], { env });
      expect(once.exitCode).toBe(0);
      stages.push(jsonOf<JsonSuccess<RunOnceResult>>(once).result.stage);
    }
    expect(stages).toEqual(['builder', 'checker']);
    expect(hookRuns()).toBe(before + 1);

    // A mode whose stages run on the probe runner: its plugin's preflight answers live, run after run.
    for (const missing of ['1', '1']) {
      const refused = await runCli(['run', 'once', '-w', root, '--mode', 'probe_mode', '--json'], { env: { ...env, PROBE_MISSING: missing } });
      expect(refused.exitCode).not.toBe(0);
      expect(jsonOf<JsonFailure>(refused).error).toMatchObject({ code: 'RUNNER_UNAVAILABLE', message: 'probe tool is missing' });
    }
    expect(hookRuns()).toBe(before + 3);
    expect(mdIn(join(runtime, 'tasks', 'active'))).toEqual(['first-task.md']);
  }, E2E_TIMEOUT_MS);
});

import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonFailure, JsonSuccess } from '../../src/cli/base-command.js';
import type { RunOnceResult } from '../../src/commands/run/once.js';
import { jsonOf, runCli } from '../support/cli.js';
import { createRuntimeWorkspace, mdIn, writeTask } from '../support/runtime-workspace.js';

/**
 * `run once` reads modes, loops and stage kinds from the contributions manifest and runs the hooks of only the plugins
 * whose runners the plan and config can dispatch to: an installed plugin no stage uses is not loaded, while a plugin
 * whose runner the plan binds is asked live (its preflight) on every run.
 */
const E2E_TIMEOUT_MS = 300_000;
const STAGES = ['builder', 'checker', 'fixer', 'doublechecker', 'updater', 'troubleshooter', 'consultant', 'planner', 'manager', 'mechanic', 'auditor', 'arbiter'];

/** A third-party plugin that notes every run of its hook in $PROBE_LOG; its runner's preflight depends on $PROBE_MISSING. */
const PROBE_HOOK = `import { appendFileSync } from 'node:fs';
export default async function contribute() {
  if (process.env.PROBE_LOG) appendFileSync(process.env.PROBE_LOG, 'hook ran\\n');
  return {
    apiVersion: 1,
    runners: [{
      id: 'probe',
      description: 'probe runner (test)',
      load: async () => { throw new Error('not for running'); },
      preflight: () => (process.env.PROBE_MISSING ? { problem: 'probe tool is missing', remedy: 'install the probe tool' } : undefined),
    }],
    modes: [{
      mode_id: 'probe_mode',
      loop_ids_by_plane: { execution: 'execution.standard', planning: 'planning.standard' },
      stage_runner_bindings: Object.fromEntries(${JSON.stringify(STAGES)}.map((stage) => [stage, 'probe'])),
    }],
  };
}
`;

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

async function install(dir: string): Promise<void> {
  const packDir = join(home, 'pack');
  await mkdir(packDir, { recursive: true });
  const pack = await execa('npm', ['pack', '--pack-destination', packDir, '--json', '--offline'], { cwd: dir });
  const [{ filename }] = JSON.parse(pack.stdout) as Array<{ filename: string }>;
  const installed = await runCli(['plugins', 'install', `file:${join(packDir, filename)}`], { env: { ...env, npm_config_offline: 'true' } });
  expect(installed.stderr).not.toMatch(/Error/);
  expect(installed.exitCode).toBe(0);
}

const hookRuns = () => (existsSync(env.PROBE_LOG!) ? readFileSync(env.PROBE_LOG!, 'utf8').split('\n').filter(Boolean).length : 0);

describe('run once with the contributions manifest', () => {
  it("loads only the plugins of the runners it can dispatch to, and still asks a bound runner's plugin on every run", async () => {
    const probe = join(home, 'probe-plugin');
    await mkdir(join(probe, 'hooks'), { recursive: true });
    await writeFile(join(probe, 'package.json'), JSON.stringify({ name: 'millrace-plugin-probe', version: '1.0.0', type: 'module', files: ['hooks'], oclif: { hooks: { 'millrace:contribute': './hooks/contribute.js' } } }));
    await writeFile(join(probe, 'hooks', 'contribute.js'), PROBE_HOOK);
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

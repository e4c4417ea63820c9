import { execa } from 'execa';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from './cli.js';

const STAGES = ['builder', 'checker', 'fixer', 'doublechecker', 'updater', 'troubleshooter', 'consultant', 'planner', 'manager', 'mechanic', 'auditor', 'arbiter'];

/**
 * The contribute hook of a third-party test plugin: runner `probe`, whose preflight depends on the environment
 * ($PROBE_MISSING) as real ones do, and mode `probe_mode` with every stage on it. With `logEnv`, each run of the hook
 * adds a line to the file that variable names.
 */
export function probeHook(options: { logEnv?: string } = {}): string {
  const log = options.logEnv ? `  if (process.env.${options.logEnv}) appendFileSync(process.env.${options.logEnv}, 'hook ran\\n');\n` : '';
  return `${options.logEnv ? "import { appendFileSync } from 'node:fs';\n" : ''}export default async function contribute() {
${log}  return {
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
}

/**
 * Like probeHook, but runner `fast_probe` (mode `fast_probe_mode`) names its preflight's module
 * (RunnerContribution.preflightModule, `hooks/preflight.js`: FAST_PROBE_PREFLIGHT); its hook notes each run in
 * $PROBE_HOOK_LOG.
 */
export const FAST_PROBE_HOOK = `import { appendFileSync } from 'node:fs';
export default async function contribute() {
  if (process.env.PROBE_HOOK_LOG) appendFileSync(process.env.PROBE_HOOK_LOG, 'hook ran\\n');
  const preflightModule = new URL('./preflight.js', import.meta.url).href;
  return {
    apiVersion: 1,
    runners: [{
      id: 'fast_probe',
      description: 'probe runner with a preflight module (test)',
      load: async () => { throw new Error('not for running'); },
      preflight: (await import(preflightModule)).default,
      preflightModule,
    }],
    modes: [{
      mode_id: 'fast_probe_mode',
      loop_ids_by_plane: { execution: 'execution.standard', planning: 'planning.standard' },
      stage_runner_bindings: Object.fromEntries(${JSON.stringify(STAGES)}.map((stage) => [stage, 'fast_probe'])),
    }],
  };
}
`;
export const FAST_PROBE_PREFLIGHT = `export default () => (process.env.PROBE_MISSING ? { problem: 'fast probe tool is missing', remedy: 'install it' } : null);
`;

/** A plugin package in `dir` named `name` whose `hooks/` holds `files` (contribute.js is its millrace:contribute hook). */
export async function writeProbePlugin(dir: string, name: string, files: Record<string, string>): Promise<void> {
  await mkdir(join(dir, 'hooks'), { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', type: 'module', files: ['hooks'], oclif: { hooks: { 'millrace:contribute': './hooks/contribute.js' } } }));
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, 'hooks', file), text);
}

/** `millrace plugins install` of the plugin in `dir`, packed into `packDir` first (offline, as users install a tarball). */
export async function installPlugin(dir: string, packDir: string, env: Record<string, string>): Promise<void> {
  await mkdir(packDir, { recursive: true });
  const pack = await execa('npm', ['pack', '--pack-destination', packDir, '--json', '--offline'], { cwd: dir });
  const [{ filename }] = JSON.parse(pack.stdout) as Array<{ filename: string }>;
  const installed = await runCli(['plugins', 'install', `file:${join(packDir, filename)}`], { env: { ...env, npm_config_offline: 'true' } });
  expect(installed.stderr).not.toMatch(/Error/);
  expect(installed.exitCode).toBe(0);
}

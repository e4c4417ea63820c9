import { execa } from 'execa';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const BIN = join(REPO_ROOT, 'bin', 'run.js');

export type CliRun = { exitCode: number; stdout: string; stderr: string };

/**
 * Spawn the built CLI (`node bin/run.js ...`) the way a user would. `env` is merged over a clean base that
 * disables oclif's update and linked-ESM notices; point MILLRACE_DATA_DIR/CACHE_DIR/CONFIG_DIR into a temp dir
 * for tests that install plugins.
 */
export async function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  const result = await execa('node', [BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { OCLIF_SKIP_NEW_VERSION_CHECK: 'true', OCLIF_DISABLE_LINKED_ESM_WARNING: '1', NO_COLOR: '1', ...options.env },
    reject: false,
    timeout: 60_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Parse a `--json` envelope from stdout. */
export function jsonOf<T>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${run.exitCode}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}

import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export type ExecutableLookup = {
  /** Where a relative path is resolved (the harness's cwd). */
  cwd: string;
  /** The PATH the harness would see; `process.env.PATH` when absent. */
  path?: string | undefined;
};

/**
 * The executable `command` names, found the way a spawned harness finds it: a command containing `/` is a path
 * (relative to `cwd`), any other name is looked up on PATH. Null when no executable regular file exists.
 */
export function findExecutable(command: string, lookup: ExecutableLookup): string | null {
  if (command.includes('/')) {
    const path = isAbsolute(command) ? command : resolve(lookup.cwd, command);
    return isExecutableFile(path) ? path : null;
  }
  for (const dir of (lookup.path ?? process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = resolve(lookup.cwd, join(dir, command));
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/** What a runner's `preflight` reports when it cannot run: one line each, the problem and the operator's fix. */
export type RunnerUnavailable = { problem: string; remedy: string };

/**
 * The preflight of a runner that starts one executable: null when `command` is found (with the runner's env overlay,
 * from the workspace root), else the problem and remedy naming the config key that sets it.
 */
export function checkRunnerExecutable(input: { runnerId: string; command: string; configKey: string; cwd: string; env?: Readonly<Record<string, string>> }): RunnerUnavailable | null {
  if (findExecutable(input.command, { cwd: input.cwd, path: input.env?.PATH ?? process.env.PATH }) !== null) return null;
  const where = input.command.includes('/') ? `"${input.command}" does not exist or is not executable` : `"${input.command}" is not on PATH`;
  const remedy = input.command.includes('/')
    ? `fix ${input.configKey} in millrace-agents/millrace.toml (a path relative to the workspace root, or absolute)`
    : `install ${input.command}, or set ${input.configKey} in millrace-agents/millrace.toml to its path`;
  return { problem: `runner ${input.runnerId}: executable ${where} (${input.configKey})`, remedy };
}

/**
 * The preflight of a runner whose config section names its executable (`command`, with an `env` overlay):
 * checkRunnerExecutable of that command, found as the adapter finds it, from the workspace root.
 */
export function configuredExecutablePreflight(runnerId: string, configKey: string): (input: { workspaceRoot: string; config: unknown }) => RunnerUnavailable | null {
  return ({ workspaceRoot, config }) => {
    const { command, env } = config as { command: string; env: Record<string, string> };
    return checkRunnerExecutable({ runnerId, command, configKey, cwd: workspaceRoot, env });
  };
}

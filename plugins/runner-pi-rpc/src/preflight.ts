import type { RunnerPreflightInput } from '@millrace/plugin-api';
import { checkRunnerExecutable, type RunnerUnavailable } from '@millrace/plugin-api/executable';

/**
 * Runner pi_rpc's preflight, in a module that loads neither zod nor the plugin API's entry point: the host imports only
 * this module for `compile validate` (the contribution's `preflightModule`). The executable is found as the adapter
 * finds it: the configured command, on the PATH of the runner's env.
 */
export default function piPreflight({ workspaceRoot, config }: RunnerPreflightInput): RunnerUnavailable | null {
  const { command, env } = config as { command: string; env: Record<string, string> };
  return checkRunnerExecutable({ runnerId: 'pi_rpc', command, configKey: 'runners.pi.command', cwd: workspaceRoot, env });
}

/** This module's URL, for the contribution's `preflightModule`. */
export const PREFLIGHT_MODULE = import.meta.url;

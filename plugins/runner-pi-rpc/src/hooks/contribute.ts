import { checkRunnerExecutable, defineContributions } from '@millrace/plugin-api';
import { PiRunnerConfigSchema } from '../config.js';
import { DEFAULT_PI_MODE, PI_RUNNER_ID } from '../mode.js';

export default async function contribute() {
  return defineContributions({
    apiVersion: 1,
    runners: [
      {
        id: PI_RUNNER_ID,
        description: 'Runs one stage with the Pi coding agent over its JSONL RPC mode (pi --mode rpc)',
        configSection: 'pi',
        reportsActivity: true,
        configSchema: PiRunnerConfigSchema,
        load: async () => (await import('../runner.js')).createPiRpcRunner(),
        // the executable is found as the adapter finds it: the configured command, on the PATH of the runner's env
        preflight: ({ workspaceRoot, config }) => {
          const { command, env } = config as { command: string; env: Record<string, string> };
          return checkRunnerExecutable({ runnerId: PI_RUNNER_ID, command, configKey: 'runners.pi.command', cwd: workspaceRoot, env });
        },
      },
    ],
    modes: [DEFAULT_PI_MODE],
  });
}

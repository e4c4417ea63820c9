import { checkRunnerExecutable, defineContributions, PLUGIN_API_VERSION } from '@millrace/plugin-api';
import { CodexRunnerConfigSchema } from '../config.js';
import { DEFAULT_CODEX_MODE } from '../mode.js';

export default async function contribute() {
  return defineContributions({
    apiVersion: PLUGIN_API_VERSION,
    runners: [
      {
        id: 'codex_cli',
        description: 'Runs one stage with the OpenAI Codex CLI (codex exec --json)',
        configSection: 'codex',
        reportsActivity: true,
        configSchema: CodexRunnerConfigSchema,
        load: async () => (await import('../runner.js')).default,
        // the executable is found as the adapter finds it: the configured command, on the PATH of the runner's env
        preflight: ({ workspaceRoot, config }) => {
          const { command, env } = config as { command: string; env: Record<string, string> };
          return checkRunnerExecutable({ runnerId: 'codex_cli', command, configKey: 'runners.codex.command', cwd: workspaceRoot, env });
        },
      },
    ],
    modes: [DEFAULT_CODEX_MODE],
  });
}

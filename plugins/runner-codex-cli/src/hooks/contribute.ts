import { defineContributions, PLUGIN_API_VERSION } from '@millrace/plugin-api';
import { CodexRunnerConfigSchema } from '../config.js';
import codexPreflight, { PREFLIGHT_MODULE } from '../preflight.js';
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
        preflight: codexPreflight,
        preflightModule: PREFLIGHT_MODULE,
      },
    ],
    modes: [DEFAULT_CODEX_MODE],
  });
}

import { defineContributions, PLUGIN_API_VERSION } from '@millrace/plugin-api';
import { ClaudeRunnerConfigSchema } from '../config.js';
import claudePreflight, { PREFLIGHT_MODULE } from '../preflight.js';
import { CLAUDE_RUNNER_ID, DEFAULT_CLAUDE_MODE } from '../mode.js';

export default async function contribute() {
  return defineContributions({
    apiVersion: PLUGIN_API_VERSION,
    runners: [
      {
        id: CLAUDE_RUNNER_ID,
        description: 'Runs one stage with the Claude Code CLI (claude -p --output-format stream-json)',
        configSection: 'claude',
        configSchema: ClaudeRunnerConfigSchema,
        // every line of claude's output becomes an activity, so the host's stall detection applies
        reportsActivity: true,
        load: async () => (await import('../runner.js')).createClaudeCodeRunner(),
        preflight: claudePreflight,
        preflightModule: PREFLIGHT_MODULE,
      },
    ],
    modes: [DEFAULT_CLAUDE_MODE],
  });
}

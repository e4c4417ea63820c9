import { STAGE_NAMES, defineContributions } from '@millrace/plugin-api';
import { CommandRunnerConfigSchema } from '../config.js';
import commandPreflight, { PREFLIGHT_MODULE } from '../preflight.js';

/** Runner `command` and mode `default_command` (every stage bound to it). The adapter loads lazily. */
export default async function contribute() {
  return defineContributions({
    apiVersion: 1,
    runners: [
      {
        id: 'command',
        description: 'Runs any executable per stage: prompt on stdin, MILLRACE_* env, marker from stdout',
        configSection: 'command',
        reportsActivity: true,
        configSchema: CommandRunnerConfigSchema,
        load: async () => (await import('../runner.js')).default,
        preflight: commandPreflight,
        preflightModule: PREFLIGHT_MODULE,
      },
    ],
    modes: [
      {
        mode_id: 'default_command',
        description: 'Standard loops with every stage run by the configured command (runners.command)',
        loop_ids_by_plane: { execution: 'execution.standard', planning: 'planning.standard' },
        stage_runner_bindings: Object.fromEntries(STAGE_NAMES.map((s) => [s, 'command'])),
      },
    ],
  });
}

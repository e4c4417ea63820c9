import { defineContributions } from '@millrace/plugin-api';
import { PiRunnerConfigSchema } from '../config.js';
import piPreflight, { PREFLIGHT_MODULE } from '../preflight.js';
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
        preflight: piPreflight,
        preflightModule: PREFLIGHT_MODULE,
      },
    ],
    modes: [DEFAULT_PI_MODE],
  });
}

import { STAGE_NAMES, type ModeContribution } from '@millrace/plugin-api';

export const PI_RUNNER_ID = 'pi_rpc';

/** The shipped `default_pi` mode: the standard loops, every stage bound to `pi_rpc` (stages-and-loops.md §9.3). */
export const DEFAULT_PI_MODE: ModeContribution = {
  schema_version: '1.0',
  kind: 'mode',
  mode_id: 'default_pi',
  description: 'Standard execution and planning loops; every stage runs on the Pi coding agent (pi_rpc)',
  loop_ids_by_plane: { execution: 'execution.standard', planning: 'planning.standard' },
  stage_entrypoint_overrides: {},
  stage_skill_additions: {},
  stage_model_bindings: {},
  stage_runner_bindings: Object.fromEntries(STAGE_NAMES.map((stage) => [stage, PI_RUNNER_ID])),
};

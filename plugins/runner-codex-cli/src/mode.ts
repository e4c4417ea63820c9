import { STAGE_NAMES, type ModeContribution } from '@millrace/plugin-api';

/** The shipped `default_codex` mode (stages-and-loops.md §9.3): standard loops, every stage on `codex_cli`. */
export const DEFAULT_CODEX_MODE: ModeContribution = {
  schema_version: '1.0',
  kind: 'mode',
  mode_id: 'default_codex',
  aliases: ['standard_plain'],
  loop_ids_by_plane: { execution: 'execution.standard', planning: 'planning.standard' },
  stage_entrypoint_overrides: {},
  stage_skill_additions: {},
  stage_model_bindings: {},
  stage_runner_bindings: Object.fromEntries(STAGE_NAMES.map((stage) => [stage, 'codex_cli'])),
};

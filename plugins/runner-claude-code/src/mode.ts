import { STAGE_NAMES, type ModeContribution } from '@millrace/plugin-api';

export const CLAUDE_RUNNER_ID = 'claude_code';

/** The shipped `default_claude` mode: the standard loops (as `default_codex`), every stage bound to `claude_code`. */
export const DEFAULT_CLAUDE_MODE: ModeContribution = {
  schema_version: '1.0',
  kind: 'mode',
  mode_id: 'default_claude',
  description: 'Standard execution and planning loops; every stage runs on the Claude Code CLI (claude_code)',
  loop_ids_by_plane: { execution: 'execution.standard', planning: 'planning.standard' },
  stage_entrypoint_overrides: {},
  stage_skill_additions: {},
  stage_model_bindings: {},
  stage_runner_bindings: Object.fromEntries(STAGE_NAMES.map((stage) => [stage, CLAUDE_RUNNER_ID])),
};

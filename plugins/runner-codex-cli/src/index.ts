export { buildCodexCommand, permissionFlags, selectPermissionLevel, type CodexCommandInput } from './argv.js';
export { CodexRunnerConfigSchema, PermissionLevelSchema, type CodexRunnerConfig, type CodexRunnerConfigInput, type PermissionLevel } from './config.js';
export { parseCodexEvents, type CodexEventSummary } from './events.js';
export { DEFAULT_CODEX_MODE } from './mode.js';
export { decideCodexOutcome, selectReconciledMarker, type CodexOutcome, type CodexOutcomeInput, type ProcessOutcome } from './outcome.js';
export { CODEX_RUNNER_NAME, createCodexRunner, type CodexRunnerOptions } from './runner.js';

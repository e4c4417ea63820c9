export { BASIC_ALLOWED_TOOLS, BASIC_DISALLOWED_TOOLS, ELEVATED_ALLOWED_TOOLS, QUIET_CLAUDE_ENV, buildClaudeCommand, buildClaudeEnv, launchRefusal, permissionFlags, selectClaudeModel, selectPermissionLevel } from './argv.js';
export { ClaudeRunnerConfigSchema, PermissionLevelSchema, RESERVED_CLAUDE_FLAGS, findReservedClaudeFlags, parseClaudeRunnerConfig, type ClaudeRunnerConfig, type ClaudeRunnerConfigInput, type PermissionLevel } from './config.js';
export { CLAUDE_RUNNER_ID, DEFAULT_CLAUDE_MODE } from './mode.js';
export { decideClaudeOutcome, finalLegalMarker, type ClaudeOutcome, type ClaudeOutcomeInput, type ProcessOutcome } from './outcome.js';
export { descendantGroups, parseProcStat, type ProcessRow } from './process-tree.js';
export { ClaudeStreamParser, describeActivity, normalizeClaudeUsage, parseClaudeStream, toRunnerActivity, type ClaudeActivity, type ClaudeResult, type ClaudeStreamSummary } from './stream.js';
export { createClaudeCodeRunner, effectiveTimeoutSeconds, type ClaudeRunnerOptions } from './runner.js';

import type { ClaudeRunnerConfig, PermissionLevel } from './config.js';

/** Tools a `basic` stage may use: read and edit files in its working directory, run shell commands. */
export const BASIC_ALLOWED_TOOLS = ['Read', 'Edit', 'Write', 'NotebookEdit', 'Bash'] as const;
/** Tools a `basic` stage is denied outright (they reach the network or spawn sub-agents). */
export const BASIC_DISALLOWED_TOOLS = ['WebFetch', 'WebSearch', 'Task'] as const;
/** `elevated` adds the network, sub-agent and skill tools. */
export const ELEVATED_ALLOWED_TOOLS = [...BASIC_ALLOWED_TOOLS, 'WebFetch', 'WebSearch', 'Task', 'TaskStop', 'Skill', 'ToolSearch', 'Monitor'] as const;

/** Level for one stage: the stage override, else the default. */
export function selectPermissionLevel(config: Pick<ClaudeRunnerConfig, 'permission_by_stage' | 'permission_default'>, stage: string): PermissionLevel {
  return config.permission_by_stage[stage] ?? config.permission_default;
}

/**
 * Claude Code flags for each level. With `-p` nobody answers a permission prompt, so a tool outside the allowed list
 * is denied, not asked for. `maximum` is `bypassPermissions`, which claude refuses as root unless IS_SANDBOX=1.
 */
export function permissionFlags(level: PermissionLevel): string[] {
  switch (level) {
    case 'basic':
      return ['--permission-mode', 'acceptEdits', '--allowedTools', BASIC_ALLOWED_TOOLS.join(','), '--disallowedTools', BASIC_DISALLOWED_TOOLS.join(',')];
    case 'elevated':
      return ['--permission-mode', 'acceptEdits', '--allowedTools', ELEVATED_ALLOWED_TOOLS.join(',')];
    case 'maximum':
      return ['--permission-mode', 'bypassPermissions'];
  }
}

/** The model claude must use: the request's binding, else `runners.claude.model`; null leaves claude's default. */
export function selectClaudeModel(requestModel: string | null, config: Pick<ClaudeRunnerConfig, 'model'>): string | null {
  const fromRequest = requestModel?.trim();
  return fromRequest ? fromRequest : config.model;
}

/** Pure: the full command line (element 0 is the executable). The prompt goes to stdin, never into argv. */
export function buildClaudeCommand(config: ClaudeRunnerConfig, stage: string, model: string | null): string[] {
  const argv = [config.command, ...config.args, '-p', '--input-format', 'text', '--output-format', 'stream-json', '--verbose'];
  if (model) argv.push('--model', model);
  argv.push(...permissionFlags(selectPermissionLevel(config, stage)));
  if (config.max_turns !== null) argv.push('--max-turns', String(config.max_turns));
  if (!config.session_persistence) argv.push('--no-session-persistence');
  return argv;
}

/** Set unless `runners.claude.env` says otherwise: no telemetry, error reporting or update checks from a stage. */
export const QUIET_CLAUDE_ENV: Readonly<Record<string, string>> = {
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_AUTOUPDATER: '1',
};

/** Pure: the variables overlaid on the inherited environment; `home` is the HOME to use (null keeps the inherited one). */
export function buildClaudeEnv(config: Pick<ClaudeRunnerConfig, 'env'>, home: string | null): Record<string, string> {
  return { ...QUIET_CLAUDE_ENV, ...(home === null ? {} : { HOME: home }), ...config.env };
}

/**
 * Pure: why a launch would be refused before it starts, or null. Claude Code refuses `bypassPermissions` as root
 * unless IS_SANDBOX=1 is set; Millrace never sets it for the operator.
 */
export function launchRefusal(level: PermissionLevel, isRoot: boolean, env: Readonly<Record<string, string | undefined>>): string | null {
  if (level !== 'maximum' || !isRoot || env.IS_SANDBOX === '1') return null;
  return 'permission level maximum maps to claude --permission-mode bypassPermissions, which Claude Code refuses as root unless IS_SANDBOX=1 is set: set IS_SANDBOX = "1" in runners.claude.env only inside a sandbox, or choose basic/elevated';
}

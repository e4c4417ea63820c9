import type { StageRunRequest } from '@millrace/plugin-api';
import type { CodexRunnerConfig, PermissionLevel } from './config.js';

/** Level for one stage: stage override, then model override (when the request names a model), then the default. */
export function selectPermissionLevel(config: CodexRunnerConfig, stage: string, model: string | null): PermissionLevel {
  const byStage = config.permission_by_stage[stage];
  if (byStage) return byStage;
  const byModel = model ? config.permission_by_model[model] : undefined;
  return byModel ?? config.permission_default;
}

/**
 * Flags codex 0.169 accepts for each level. 0.169 removed `--full-auto`; `exec` already runs with approval policy
 * `never`, so `basic` is the workspace-write sandbox alone.
 */
export function permissionFlags(level: PermissionLevel): string[] {
  switch (level) {
    case 'basic':
      return ['--sandbox', 'workspace-write'];
    case 'elevated':
      return ['-c', 'approval_policy="never"', '--sandbox', 'danger-full-access'];
    case 'maximum':
      return ['--dangerously-bypass-approvals-and-sandbox'];
  }
}

export type CodexCommandInput = {
  config: CodexRunnerConfig;
  request: Pick<StageRunRequest, 'stage' | 'model_name' | 'model_reasoning_effort'>;
  workspaceRoot: string;
  lastMessagePath: string;
  prompt: string;
};

/** The full command line (runners.md §9.1, order preserved); element 0 is the executable. */
export function buildCodexCommand(input: CodexCommandInput): string[] {
  const { config, request } = input;
  const argv = [config.command, ...config.args];
  if (config.profile) argv.push('--profile', config.profile);
  if (config.skip_git_repo_check) argv.push('--skip-git-repo-check');
  if (request.model_name) argv.push('--model', request.model_name);
  argv.push(...permissionFlags(selectPermissionLevel(config, request.stage, request.model_name)));
  for (const entry of config.extra_config) argv.push('-c', entry);
  // After extra_config so that the stage's effort wins over an extra_config default.
  const effort = request.model_reasoning_effort ?? config.model_reasoning_effort;
  if (effort) argv.push('-c', `model_reasoning_effort="${effort}"`);
  argv.push('--cd', input.workspaceRoot, '--json', '--output-last-message', input.lastMessagePath, input.prompt);
  return argv;
}

import type { PiRunnerConfig } from './config.js';

export type PiCommandLine = { command: string; args: string[] };

/**
 * Pure: the pi command line for one stage (runners.md §10.1). `model` is required: without `--model`
 * pi would pick whatever provider it finds credentials for in the environment.
 */
export function buildPiArgv(config: PiRunnerConfig, model: string): PiCommandLine {
  const args = [...config.args, '--mode', 'rpc', '--no-session'];
  if (config.provider) args.push('--provider', config.provider);
  args.push('--model', model);
  if (config.thinking) args.push('--thinking', config.thinking);
  if (config.disable_context_files) args.push('--no-context-files');
  if (config.disable_skills) args.push('--no-skills');
  return { command: config.command, args };
}

/** The model pi must use: the request's binding, else `runners.pi.model`; null means "refuse to launch". */
export function selectPiModel(requestModel: string | null, config: PiRunnerConfig): string | null {
  const fromRequest = requestModel?.trim();
  return fromRequest ? fromRequest : config.model;
}

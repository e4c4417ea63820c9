export { commandRunner, COMMAND_RUNNER_ID } from './runner.js';
export { CommandRunnerConfigSchema, type CommandRunnerConfig } from './config.js';
export { buildCommandEnv } from './env.js';

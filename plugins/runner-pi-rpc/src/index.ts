export { buildPiArgv, selectPiModel, type PiCommandLine } from './argv.js';
export { PiRunnerConfigSchema, RESERVED_PI_FLAGS, findReservedPiFlags, parsePiRunnerConfig, type PiRunnerConfig, type PiRunnerConfigInput } from './config.js';
export { DEFAULT_PI_MODE, PI_RUNNER_ID } from './mode.js';
export { JsonlSplitter } from './jsonl-framing.js';
export { PiRpcClient, RpcStreamError, KNOWN_PI_EVENT_TYPES, type RpcEvent, type RpcResponse, type RpcCommand } from './rpc-client.js';
export { decideFinishedSession, isProviderErrorEvent, parseSessionTokens, parseAssistantText, selectEventLogLines, type EventLogPolicy } from './pi-events.js';
export { createPiRpcRunner, type PiRpcRunnerOptions } from './runner.js';

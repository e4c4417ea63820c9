import { mkdir } from 'node:fs/promises';
import {
  buildCompletionArtifact,
  buildInvocationArtifact,
  buildStagePrompt,
  runArtifactPaths,
  writeFileAtomic,
  writeJsonAtomic,
  type RunnerAdapter,
  type RunnerContext,
  type RunnerRawResult,
  type StageRunRequest,
} from '@millrace/plugin-api';
import { buildPiArgv, selectPiModel, type PiCommandLine } from './argv.js';
import { parsePiRunnerConfig, type PiRunnerConfig } from './config.js';
import { PI_RUNNER_ID } from './mode.js';
import { PiEventLogWriter } from './event-log.js';
import { keepsEventLog } from './pi-events.js';
import { spawnPiProcess } from './process.js';
import { DEFAULT_PI_SESSION_TIMINGS, runPiSession, type PiSessionTimings } from './session.js';

const DEFAULT_TIMEOUT_SECONDS = 3600;

export type PiRpcRunnerOptions = {
  /** Override protocol grace periods (tests); the stage timeout always comes from the request. */
  timings?: Partial<Omit<PiSessionTimings, 'timeoutMs'>>;
};

type RawParts = Pick<RunnerRawResult, 'exit_kind' | 'exit_code' | 'failure_class' | 'notes' | 'token_usage' | 'cost_usd'> & { stdoutText: string | null; stderrText: string; eventLogPath: string | null };

/** The `pi_rpc` runner adapter: one `pi --mode rpc --no-session` process per stage. */
export function createPiRpcRunner(options: PiRpcRunnerOptions = {}): RunnerAdapter {
  return {
    name: PI_RUNNER_ID,
    async run(request: StageRunRequest, context: RunnerContext): Promise<RunnerRawResult> {
      const config = parsePiRunnerConfig(context.config);
      const paths = runArtifactPaths(request);
      await mkdir(request.run_dir, { recursive: true });
      await writeFileAtomic(paths.prompt, buildStagePrompt(request));
      const model = selectPiModel(request.model_name, config);
      const commandLine = model === null ? null : buildPiArgv(config, model);
      const command = commandLine ? [commandLine.command, ...commandLine.args] : [config.command];
      await writeJsonAtomic(paths.invocation, buildInvocationArtifact(request, PI_RUNNER_ID, command, paths.prompt, new Date()));

      const startedAt = new Date();
      const parts = commandLine === null ? refuseWithoutModel(request) : await execute(request, context, commandLine, config, options, paths.events);
      const endedAt = new Date();

      await writeFileAtomic(paths.stderr, parts.stderrText);
      if (parts.stdoutText !== null) await writeFileAtomic(paths.stdout, parts.stdoutText);
      const raw: RunnerRawResult = {
        request_id: request.request_id,
        run_id: request.run_id,
        stage: request.stage,
        runner_name: PI_RUNNER_ID,
        model_name: model,
        model_reasoning_effort: request.model_reasoning_effort,
        exit_kind: parts.exit_kind,
        exit_code: parts.exit_code,
        observed_exit_kind: null,
        observed_exit_code: null,
        stdout_path: parts.stdoutText !== null ? paths.stdout : null,
        stderr_path: paths.stderr,
        terminal_result_path: null,
        event_log_path: parts.eventLogPath,
        token_usage: parts.token_usage,
        cost_usd: parts.cost_usd ?? null,
        started_at: startedAt.toISOString(),
        ended_at: endedAt.toISOString(),
        failure_class: parts.failure_class,
        notes: parts.notes,
      };
      await writeJsonAtomic(paths.completion, buildCompletionArtifact(request, raw, command, new Date()));
      return raw;
    },
  };
}

function refuseWithoutModel(request: StageRunRequest): RawParts {
  const note = `pi_rpc needs a model for stage ${request.stage}: bind one in the mode (stage_model_bindings), in stages.${request.stage}.model, or set runners.pi.model`;
  return { exit_kind: 'runner_error', exit_code: 1, failure_class: 'runner_model_unset', notes: [note], token_usage: null, stdoutText: null, stderrText: `${note}\n`, eventLogPath: null };
}

async function execute(
  request: StageRunRequest,
  context: RunnerContext,
  commandLine: PiCommandLine,
  config: PiRunnerConfig,
  options: PiRpcRunnerOptions,
  eventLogPath: string,
): Promise<RawParts> {
  const spawned = await spawnPiProcess(commandLine, { cwd: context.workspaceRoot, env: config.env, supervision: { runId: request.run_id, registry: context.agentGroups } });
  if (spawned.kind === 'not_found') {
    return { exit_kind: 'runner_error', exit_code: 127, failure_class: 'runner_binary_not_found', notes: ['runner executable missing'], token_usage: null, stdoutText: null, stderrText: `runner binary not found: ${commandLine.command}\n`, eventLogPath: null };
  }
  if (spawned.kind === 'error') {
    return { exit_kind: 'runner_error', exit_code: 1, failure_class: 'runner_transport_failure', notes: [spawned.message], token_usage: null, stdoutText: null, stderrText: `runner process error: ${spawned.message}\n`, eventLogPath: null };
  }
  const timeoutSeconds = Math.max(1, request.timeout_seconds || DEFAULT_TIMEOUT_SECONDS);
  const timings: PiSessionTimings = { ...DEFAULT_PI_SESSION_TIMINGS, ...options.timings, timeoutMs: timeoutSeconds * 1000 };
  const eventLog = new PiEventLogWriter(eventLogPath);
  const outcome = await runPiSession(spawned.process, buildStagePrompt(request), timings, { signal: context.signal, onActivity: context.onActivity, onEventLine: (event) => eventLog.write(event) });
  const piStderr = spawned.process.stderrText();
  return {
    exit_kind: outcome.exitKind,
    exit_code: outcome.exitCode,
    failure_class: outcome.failureClass,
    notes: outcome.notes,
    token_usage: outcome.tokens,
    cost_usd: outcome.costUsd,
    stdoutText: outcome.assistantText,
    stderrText: outcome.transportError === null ? piStderr : `runner process error: ${outcome.transportError}\n${piStderr}`,
    eventLogPath: eventLog.finish(keepsEventLog(config.event_log_policy, outcome.exitKind)),
  };
}

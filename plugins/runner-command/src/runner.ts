import { mkdir, writeFile } from 'node:fs/promises';
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
import { CommandRunnerConfigSchema } from './config.js';
import { buildCommandEnv } from './env.js';
import { runProcess } from './process.js';

export const COMMAND_RUNNER_ID = 'command';

/** Runs the configured executable once per stage; the marker is read from its stdout by the runtime. */
export const commandRunner: RunnerAdapter = {
  name: COMMAND_RUNNER_ID,
  async run(request: StageRunRequest, context: RunnerContext): Promise<RunnerRawResult> {
    const config = CommandRunnerConfigSchema.parse(context.config);
    const files = runArtifactPaths(request);
    await mkdir(request.run_dir, { recursive: true });
    const prompt = buildStagePrompt(request);
    await writeFileAtomic(files.prompt, prompt);
    await writeJsonAtomic(files.request, request);
    const argv = [config.command, ...config.args];
    await writeJsonAtomic(files.invocation, buildInvocationArtifact(request, COMMAND_RUNNER_ID, argv, files.prompt, new Date()));
    const timeoutSeconds = config.timeout_seconds ?? (request.timeout_seconds > 0 ? request.timeout_seconds : 3600);
    const outcome = await runProcess({
      command: config.command,
      args: config.args,
      cwd: context.workspaceRoot,
      env: buildCommandEnv(request, files.request, config.env),
      input: prompt,
      stdoutPath: files.stdout,
      stderrPath: files.stderr,
      timeoutMs: timeoutSeconds * 1000,
      signal: context.signal,
      supervision: { runId: request.run_id, registry: context.agentGroups },
    });
    let exitKind: RunnerRawResult['exit_kind'] = 'completed';
    let exitCode = outcome.exitCode;
    let failureClass: string | null = null;
    const notes: string[] = [];
    if (outcome.aborted) {
      exitKind = 'interrupted';
      failureClass = 'runner_interrupted';
      notes.push('runner aborted by the runtime');
    } else if (outcome.timedOut) {
      exitKind = 'timeout';
      exitCode = 124;
      failureClass = 'runner_timeout';
      await writeFile(files.stderr, `runner timed out after ${timeoutSeconds} seconds\n`, { flag: 'a' });
      notes.push('runner process exceeded timeout');
    } else if (outcome.spawnError) {
      exitKind = 'runner_error';
      exitCode = outcome.spawnError.code === 'ENOENT' ? 127 : 1;
      failureClass = outcome.spawnError.code === 'ENOENT' ? 'runner_binary_not_found' : 'runner_transport_failure';
      await writeFile(files.stderr, `runner process error: ${outcome.spawnError.message}\n`, { flag: 'a' });
      notes.push(outcome.spawnError.message);
    } else if (exitCode !== 0) {
      exitKind = 'runner_error';
      failureClass = 'runner_non_zero_exit';
      notes.push('runner exited with non-zero status');
    }
    const raw: RunnerRawResult = {
      request_id: request.request_id,
      run_id: request.run_id,
      stage: request.stage,
      runner_name: COMMAND_RUNNER_ID,
      model_name: request.model_name,
      model_reasoning_effort: request.model_reasoning_effort,
      exit_kind: exitKind,
      exit_code: exitCode,
      observed_exit_kind: null,
      observed_exit_code: null,
      stdout_path: files.stdout,
      stderr_path: files.stderr,
      terminal_result_path: null,
      event_log_path: null,
      token_usage: null,
      started_at: outcome.startedAt.toISOString(),
      ended_at: outcome.endedAt.toISOString(),
      failure_class: failureClass,
      notes,
    };
    await writeJsonAtomic(files.completion, buildCompletionArtifact(request, raw, argv, new Date()));
    return raw;
  },
};

export default commandRunner;

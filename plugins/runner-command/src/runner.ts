import { closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
  type TokenUsage,
} from '@millrace/plugin-api';
import { CommandRunnerConfigSchema } from './config.js';
import { buildCommandEnv } from './env.js';
import { runProcess } from './process.js';
import { parseCommandUsage } from './usage-file.js';

/** Splits a chunked text stream into complete lines; `end` flushes the last partial line. */
function lineSplitter(onLine: (line: string) => void): { write(chunk: string): void; end(): void } {
  let buffer = '';
  return {
    write(chunk) {
      buffer += chunk;
      const lines = buffer.split(/\r?\n/);
      buffer = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) onLine(line);
    },
    end() {
      if (buffer.trim()) onLine(buffer);
      buffer = '';
    },
  };
}

/** How often, at most, the usage file is checked for a change while the tool prints. */
const LIVE_USAGE_CHECK_MS = 500;

/**
 * The tool's usage so far, for its activity: the usage file is re-read (at most every half second, only when its
 * modification time changed), so a tool that rewrites it while it works shows live token counts.
 */
function liveUsageReader(path: string): () => { usage?: TokenUsage } {
  let checkedAt = 0;
  let mtimeMs = -1;
  let usage: TokenUsage | undefined;
  return () => {
    const now = Date.now();
    if (now - checkedAt >= LIVE_USAGE_CHECK_MS) {
      checkedAt = now;
      try {
        const stat = statSync(path);
        if (stat.mtimeMs !== mtimeMs) {
          mtimeMs = stat.mtimeMs;
          const read = readUsageFile(path);
          const parsed = read && 'text' in read ? parseCommandUsage(read.text) : null;
          if (parsed?.ok) usage = parsed.value.usage;
        }
      } catch {
        // not written (yet) or being replaced: keep what was last read
      }
    }
    return usage ? { usage } : {};
  };
}

/** A usage file is a few hundred bytes; one larger than this is ignored, never read into memory. */
export const USAGE_FILE_MAX_BYTES = 64 * 1024;

/**
 * The usage file the tool wrote: its text, why it was not read (not a regular file, or over USAGE_FILE_MAX_BYTES),
 * or null when there is none. Opened non-blocking, so a FIFO in its place never blocks the runtime.
 */
function readUsageFile(path: string): { text: string } | { problem: string } | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { problem: 'not a regular file' };
    if (stat.size > USAGE_FILE_MAX_BYTES) return { problem: `larger than ${USAGE_FILE_MAX_BYTES} bytes (${stat.size})` };
    return { text: readFileSync(fd, 'utf8') };
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Where the wrapped tool may write its token usage (`$MILLRACE_USAGE_PATH`). */
export const usageFilePath = (request: Pick<StageRunRequest, 'run_dir' | 'request_id'>) => join(request.run_dir, `runner_usage.${request.request_id}.json`);

export const COMMAND_RUNNER_ID = 'command';

/** Runs the configured executable once per stage; the marker is read from its stdout by the runtime. */
export const commandRunner: RunnerAdapter = {
  name: COMMAND_RUNNER_ID,
  async run(request: StageRunRequest, context: RunnerContext): Promise<RunnerRawResult> {
    const config = CommandRunnerConfigSchema.parse(context.config);
    const files = runArtifactPaths(request);
    // Synchronous file calls around the tool: each is one small system call, cheaper than a thread-pool round trip.
    mkdirSync(request.run_dir, { recursive: true });
    const prompt = buildStagePrompt(request);
    await writeFileAtomic(files.prompt, prompt);
    await writeJsonAtomic(files.request, request);
    const argv = [config.command, ...config.args];
    await writeJsonAtomic(files.invocation, buildInvocationArtifact(request, COMMAND_RUNNER_ID, argv, files.prompt, new Date()));
    const timeoutSeconds = config.timeout_seconds ?? (request.timeout_seconds > 0 ? request.timeout_seconds : 3600);
    const usagePath = usageFilePath(request);
    rmSync(usagePath, { force: true });
    const onActivity = context.onActivity;
    const liveUsage = liveUsageReader(usagePath);
    const report = onActivity ? (text: string) => onActivity({ kind: 'output', text, ...liveUsage() }) : null;
    const splitters = report ? { stdout: lineSplitter(report), stderr: lineSplitter(report) } : null;
    const outcome = await runProcess({
      command: config.command,
      args: config.args,
      cwd: context.workspaceRoot,
      env: { MILLRACE_USAGE_PATH: usagePath, ...buildCommandEnv(request, files.request, config.env) },
      onOutput: splitters ? (chunk, stream) => splitters[stream].write(chunk) : undefined,
      input: prompt,
      stdoutPath: files.stdout,
      stderrPath: files.stderr,
      timeoutMs: timeoutSeconds * 1000,
      signal: context.signal,
      supervision: { runId: request.run_id, registry: context.agentGroups },
    });
    splitters?.stdout.end();
    splitters?.stderr.end();
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
    const usageFile = readUsageFile(usagePath);
    const usage = usageFile === null ? null : 'text' in usageFile ? parseCommandUsage(usageFile.text) : { ok: false as const, problem: usageFile.problem };
    if (usage && !usage.ok) notes.push(`ignored ${usagePath}: ${usage.problem}`);
    const reported = usage?.ok ? usage.value : null;
    const raw: RunnerRawResult = {
      request_id: request.request_id,
      run_id: request.run_id,
      stage: request.stage,
      runner_name: COMMAND_RUNNER_ID,
      model_name: reported?.model ?? request.model_name,
      model_reasoning_effort: request.model_reasoning_effort,
      exit_kind: exitKind,
      exit_code: exitCode,
      observed_exit_kind: null,
      observed_exit_code: null,
      stdout_path: files.stdout,
      stderr_path: files.stderr,
      terminal_result_path: null,
      event_log_path: null,
      token_usage: reported?.usage ?? null,
      cost_usd: reported?.costUsd ?? null,
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

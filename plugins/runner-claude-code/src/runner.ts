import { appendFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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
} from '@millrace/plugin-api';
import { lastLineOfFile } from '@millrace/plugin-api/agent-output';
import { buildClaudeCommand, buildClaudeEnv, launchRefusal, selectClaudeModel, selectPermissionLevel } from './argv.js';
import { parseClaudeRunnerConfig, type ClaudeRunnerConfig } from './config.js';
import { CLAUDE_RUNNER_ID } from './mode.js';
import { decideClaudeOutcome, type ClaudeOutcome, type ProcessOutcome } from './outcome.js';
import { spawnClaude } from './process.js';
import { ClaudeStreamParser, describeActivity, toRunnerActivity, type ClaudeActivity, type ClaudeStreamSummary } from './stream.js';

const DEFAULT_TIMEOUT_SECONDS = 3600;

export type ClaudeRunnerOptions = {
  /** Time claude gets after SIGINT before its process tree is killed (default 10 s). */
  graceMs?: number;
  now?: () => Date;
  /** Whether Millrace runs as root (default: the real uid); decides the bypassPermissions refusal. */
  isRoot?: boolean;
};

const exists = (path: string) => stat(path).then(() => true, () => false);

/** The stage's timeout, capped by `runners.claude.timeout_seconds` when set. */
export function effectiveTimeoutSeconds(requestSeconds: number, configSeconds: number | null): number {
  const fromRequest = requestSeconds > 0 ? requestSeconds : DEFAULT_TIMEOUT_SECONDS;
  return configSeconds === null ? fromRequest : Math.min(fromRequest, configSeconds);
}

/** HOME for one stage: null keeps the inherited one; `isolated` is a fresh directory the caller removes. */
async function prepareHome(config: ClaudeRunnerConfig): Promise<{ home: string | null; throwaway: boolean }> {
  if (config.home === 'inherit') return { home: null, throwaway: false };
  if (config.home === 'isolated') return { home: await mkdtemp(join(tmpdir(), 'millrace-claude-home-')), throwaway: true };
  await mkdir(config.home, { recursive: true });
  return { home: config.home, throwaway: false };
}

const notLaunched = (at: Date, spawnError: string | null): ProcessOutcome & { startedAt: Date; endedAt: Date } => ({
  exitCode: null, signal: null, timedOut: false, interrupted: false, binaryNotFound: false, spawnError, forcedKill: false, startedAt: at, endedAt: at,
});

async function runStage(request: StageRunRequest, context: RunnerContext, options: ClaudeRunnerOptions): Promise<RunnerRawResult> {
  const now = options.now ?? (() => new Date());
  const config = parseClaudeRunnerConfig(context.config);
  const paths = runArtifactPaths(request);
  await mkdir(request.run_dir, { recursive: true });
  await Promise.all([paths.stdout, paths.events].map((p) => rm(p, { force: true })));

  const prompt = buildStagePrompt(request);
  await writeFileAtomic(paths.prompt, prompt);
  const model = selectClaudeModel(request.model_name, config);
  const command = buildClaudeCommand(config, request.stage, model);
  await writeJsonAtomic(paths.invocation, buildInvocationArtifact(request, CLAUDE_RUNNER_ID, command, paths.prompt, now()));

  const timeoutSeconds = effectiveTimeoutSeconds(request.timeout_seconds, config.timeout_seconds);
  const level = selectPermissionLevel(config, request.stage);
  const refusal = launchRefusal(level, options.isRoot ?? process.getuid?.() === 0, { ...process.env, ...config.env });
  const parser = new ClaudeStreamParser();
  const report = (activity: ClaudeActivity) => {
    if (context.onActivity) context.onActivity(toRunnerActivity(activity));
    else context.onProgress?.(describeActivity(activity));
  };
  let outcome: ClaudeOutcome;
  let proc: ProcessOutcome & { startedAt: Date; endedAt: Date };
  let stream: ClaudeStreamSummary;
  // What the runner writes to the stderr artifact: a note replacing it, one appended to claude's own, or nothing.
  // claude's stderr is never read whole (an agent can make it any size): only its last line, for the outcome.
  let stderrNote: { text: string; append: boolean } | null = null;

  if (refusal !== null) {
    proc = notLaunched(now(), null);
    stream = parser.summary();
    outcome = { exit_kind: 'runner_error', exit_code: 1, observed_exit_kind: null, observed_exit_code: null, failure_class: 'runner_permission_refused', notes: [refusal] };
    stderrNote = { text: `${refusal}\n`, append: false };
  } else {
    const { home, throwaway } = await prepareHome(config);
    try {
      proc = (await exists(context.workspaceRoot))
        ? await spawnClaude({
            argv: command,
            cwd: context.workspaceRoot,
            env: buildClaudeEnv(config, home),
            prompt,
            timeoutMs: timeoutSeconds * 1000,
            graceMs: options.graceMs ?? 10_000,
            eventLogPath: paths.events,
            stderrPath: paths.stderr,
            onStdout: (chunk) => parser.push(chunk).forEach(report),
            signal: context.signal,
            supervision: { runId: request.run_id, registry: context.agentGroups },
          })
        : notLaunched(now(), `workspace root does not exist: ${context.workspaceRoot}`);
    } finally {
      if (throwaway && home !== null) await rm(home, { recursive: true, force: true });
    }
    parser.end().forEach(report);
    stream = parser.summary();
    outcome = decideClaudeOutcome({
      command: config.command,
      process: proc,
      stream,
      legalMarkers: request.legal_terminal_markers,
      timeoutSeconds,
      stderrTail: await lastLineOfFile(paths.stderr),
    });
    if (proc.binaryNotFound) stderrNote = { text: `runner binary not found: ${config.command}\n`, append: false };
    else if (proc.spawnError !== null) stderrNote = { text: `runner process error: ${proc.spawnError}\n`, append: false };
    else if (proc.timedOut) stderrNote = { text: `runner process exceeded timeout of ${timeoutSeconds} seconds\n`, append: true };
  }

  if (stderrNote?.append) await appendFile(paths.stderr, stderrNote.text, 'utf8');
  else if (stderrNote) await writeFileAtomic(paths.stderr, stderrNote.text);
  const launched = refusal === null && !proc.binaryNotFound && proc.spawnError === null;
  // The event log is kept per policy: always on failure, on success only with `full`.
  const keepEvents = launched && stream.eventCount + stream.malformedLineCount + stream.oversizedLineCount > 0 && (config.event_log_policy === 'full' || outcome.exit_kind !== 'completed');
  if (!keepEvents) await rm(paths.events, { force: true });
  const resultText = stream.result?.text ?? null;
  if (resultText !== null) await writeFileAtomic(paths.stdout, resultText);

  const raw: RunnerRawResult = {
    request_id: request.request_id,
    run_id: request.run_id,
    stage: request.stage,
    runner_name: CLAUDE_RUNNER_ID,
    model_name: stream.model ?? model,
    model_reasoning_effort: request.model_reasoning_effort,
    ...outcome,
    stdout_path: resultText !== null ? paths.stdout : null,
    stderr_path: (await exists(paths.stderr)) ? paths.stderr : null,
    terminal_result_path: null,
    event_log_path: keepEvents ? paths.events : null,
    token_usage: stream.result?.usage ?? null,
    cost_usd: stream.result?.costUsd ?? null,
    started_at: proc.startedAt.toISOString(),
    ended_at: proc.endedAt.toISOString(),
  };
  await writeJsonAtomic(paths.completion, buildCompletionArtifact(request, raw, command, now()));
  return raw;
}

/** The `claude_code` adapter: one `claude -p --output-format stream-json` process per stage request. */
export function createClaudeCodeRunner(options: ClaudeRunnerOptions = {}): RunnerAdapter {
  return { name: CLAUDE_RUNNER_ID, run: (request, context) => runStage(request, context, options) };
}

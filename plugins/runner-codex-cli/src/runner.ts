import { appendFile, copyFile, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
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
import { lastLineOfFile, readTextTail } from '@millrace/plugin-api/agent-output';
import { buildCodexCommand } from './argv.js';
import { CodexRunnerConfigSchema } from './config.js';
import { createCodexActivityFeed, parseCodexEvents, summarizeCodexEventLog } from './events.js';
import { decideCodexOutcome, type ProcessOutcome } from './outcome.js';
import { spawnCodex } from './process.js';

export const CODEX_RUNNER_NAME = 'codex_cli';
const DEFAULT_TIMEOUT_SECONDS = 3600;

export type CodexRunnerOptions = {
  /** Time codex gets after SIGINT before its process group is killed (default 10 s). */
  graceMs?: number;
  now?: () => Date;
};

const exists = (path: string) => stat(path).then(() => true, () => false);

/**
 * How much of codex's last-message file decides the outcome: its end, where the terminal marker stands. A longer
 * message is copied to the stdout artifact whole but never read whole.
 */
export const LAST_MESSAGE_READ_BYTES = 1024 * 1024;

/** `from` copied to `to` through a temp file and a rename (readers never see half a copy). */
async function copyFileAtomic(from: string, to: string): Promise<void> {
  const temp = `${to}.tmp-${process.pid}`;
  await copyFile(from, temp);
  await rename(temp, to);
}

async function runStage(request: StageRunRequest, context: RunnerContext, options: CodexRunnerOptions): Promise<RunnerRawResult> {
  const now = options.now ?? (() => new Date());
  const config = CodexRunnerConfigSchema.parse(context.config ?? {});
  const paths = runArtifactPaths(request);
  await mkdir(request.run_dir, { recursive: true });
  // codex does not overwrite the last-message file when a turn fails: a stale marker must never count.
  await Promise.all([paths.lastMessage, paths.stdout, paths.events].map((p) => rm(p, { force: true })));

  const prompt = buildStagePrompt(request);
  await writeFileAtomic(paths.prompt, prompt);
  const command = buildCodexCommand({ config, request, workspaceRoot: context.workspaceRoot, lastMessagePath: paths.lastMessage, prompt });
  await writeJsonAtomic(paths.invocation, buildInvocationArtifact(request, CODEX_RUNNER_NAME, command, paths.prompt, now()));

  const timeoutSeconds = request.timeout_seconds > 0 ? request.timeout_seconds : DEFAULT_TIMEOUT_SECONDS;
  let proc: ProcessOutcome & { startedAt: Date; endedAt: Date };
  if (await exists(context.workspaceRoot)) {
    const onActivity = context.onActivity;
    const feed = onActivity ? createCodexActivityFeed((a) => onActivity(a)) : null;
    proc = await spawnCodex({
      argv: command,
      cwd: context.workspaceRoot,
      env: config.env,
      timeoutMs: timeoutSeconds * 1000,
      graceMs: options.graceMs ?? 10_000,
      stdoutPath: paths.events,
      stderrPath: paths.stderr,
      signal: context.signal,
      supervision: { runId: request.run_id, registry: context.agentGroups },
      onStdout: feed ? (chunk) => feed.write(chunk) : undefined,
    });
    feed?.end();
  } else {
    const at = now();
    proc = { exitCode: null, signal: null, timedOut: false, interrupted: false, binaryNotFound: false, spawnError: `workspace root does not exist: ${context.workspaceRoot}`, forcedKill: false, startedAt: at, endedAt: at };
  }

  const launched = !proc.binaryNotFound && proc.spawnError === null;
  // A process that never started leaves at most an empty event log behind: drop it.
  if (!launched) await rm(paths.events, { force: true });
  // Everything codex and its agent wrote is read in bounded memory: the event log line by line, the last message's
  // end, stderr's last line.
  const [eventLog, lastMessageTail, stderrTail] = await Promise.all([summarizeCodexEventLog(paths.events), readTextTail(paths.lastMessage, LAST_MESSAGE_READ_BYTES), lastLineOfFile(paths.stderr)]);
  const events = eventLog ?? parseCodexEvents('');
  const lastMessage = lastMessageTail?.text ?? null;
  const outcome = decideCodexOutcome({ command: config.command, process: proc, events, lastMessage, legalMarkers: request.legal_terminal_markers, timeoutSeconds, stderrTail });

  if (proc.binaryNotFound) await writeFile(paths.stderr, `runner binary not found: ${config.command}\n`, 'utf8');
  else if (proc.spawnError !== null) await writeFile(paths.stderr, `runner process error: ${proc.spawnError}\n`, 'utf8');
  else if (proc.timedOut) await appendFile(paths.stderr, `runner timed out after ${timeoutSeconds} seconds\n`, 'utf8');
  if (lastMessageTail !== null) {
    if (lastMessageTail.omittedBytes === 0) await writeFileAtomic(paths.stdout, lastMessageTail.text);
    else await copyFileAtomic(paths.lastMessage, paths.stdout);
  }

  const raw: RunnerRawResult = {
    request_id: request.request_id,
    run_id: request.run_id,
    stage: request.stage,
    runner_name: CODEX_RUNNER_NAME,
    model_name: request.model_name,
    model_reasoning_effort: request.model_reasoning_effort ?? config.model_reasoning_effort,
    ...outcome,
    stdout_path: lastMessage !== null ? paths.stdout : null,
    stderr_path: (await exists(paths.stderr)) ? paths.stderr : null,
    terminal_result_path: null,
    event_log_path: eventLog !== null ? paths.events : null,
    token_usage: events.tokenUsage,
    started_at: proc.startedAt.toISOString(),
    ended_at: proc.endedAt.toISOString(),
  };
  await writeJsonAtomic(paths.completion, buildCompletionArtifact(request, raw, command, now()));
  return raw;
}

/** The `codex_cli` adapter: one `codex exec --json` process per stage request. Failures are returned as data. */
export function createCodexRunner(options: CodexRunnerOptions = {}): RunnerAdapter {
  return { name: CODEX_RUNNER_NAME, run: (request, context) => runStage(request, context, options) };
}

export default createCodexRunner();

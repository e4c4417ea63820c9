import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as z from './zod.js';
import { ExitKindSchema, RequestKindSchema } from './vocabulary.js';
import { TokenUsageSchema, type RunnerRawResult, type StageRunRequest } from './stage-request.js';

/** File names of one stage invocation inside the run directory (runners.md §6). */
export function runArtifactPaths(request: Pick<StageRunRequest, 'run_dir' | 'request_id'>) {
  const at = (name: string) => join(request.run_dir, name);
  const id = request.request_id;
  return {
    prompt: at(`runner_prompt.${id}.md`),
    invocation: at(`runner_invocation.${id}.json`),
    stdout: at(`runner_stdout.${id}.txt`),
    stderr: at(`runner_stderr.${id}.txt`),
    events: at(`runner_events.${id}.jsonl`),
    lastMessage: at(`runner_last_message.${id}.txt`),
    completion: at(`runner_completion.${id}.json`),
    request: at(`runner_request.${id}.json`),
    stageResult: join(request.run_dir, 'stage_results', `${id}.json`),
  };
}
export type RunArtifactPaths = ReturnType<typeof runArtifactPaths>;

// Temp names are unique per process (pid) and per write (counter): cheaper than random bytes, and a daemon writes many files per stage.
let tempCounter = 0;

/**
 * The temp file name every Millrace writer uses beside its target: `.<name>.<pid>-<n>.tmp`. The pid lets a startup
 * sweep tell a dead writer's leftover from a live writer's file (see `isWriterTempName`).
 */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${(tempCounter += 1)}.tmp`);
}

const WRITER_TEMP_NAME = /^\..+\.(\d+)-\d+\.tmp$/;

/** The writer pid of a temp file name made by `tempPathFor`, or null when the name is not one. */
export function writerTempPid(name: string): number | null {
  const match = WRITER_TEMP_NAME.exec(name);
  return match ? Number(match[1]) : null;
}

const NO_SPACE_CODES = new Set(['ENOSPC', 'EDQUOT']);

/**
 * A failed write reported against the file the caller meant to write (not its temp file). A full disk or quota
 * becomes one line, `<path>: no space left on device`, keeping `code` so callers can still tell it apart.
 */
export function writeFailure(error: unknown, path: string): Error {
  const errno = error as NodeJS.ErrnoException;
  if (!NO_SPACE_CODES.has(errno?.code ?? '')) return error instanceof Error ? error : new Error(String(error));
  const failure: NodeJS.ErrnoException = new Error(`${path}: no space left on device (${errno.code})`, { cause: error });
  failure.code = errno.code;
  failure.path = path;
  failure.syscall = errno.syscall;
  return failure;
}

/**
 * Write a file so that readers (and a restart after the process is killed) see either the old or the new content,
 * never a torn one: temp file in the same directory + rename. Whatever fails (the write itself, e.g. a full disk
 * half-way through, or the rename), the temp file is removed and the error names `path`. No fsync: it protects
 * only against power loss and costs most of a stage's write time. Synchronous inside: the files are small, and each
 * thread-pool round trip of the promise API cost more than the write itself. The host writes its own state files
 * with this too.
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const tmp = tempPathFor(path);
  try {
    try {
      writeFileSync(tmp, content, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(tmp, content, 'utf8');
    }
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw writeFailure(error, path);
  }
}

export const writeJsonAtomic = (path: string, value: unknown) => writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);

export const InvocationArtifactSchema = z.strictObject({
  schema_version: z.literal('1.0'),
  kind: z.literal('runner_invocation'),
  request_id: z.string(),
  run_id: z.string(),
  stage: z.string(),
  request_kind: RequestKindSchema,
  active_work_item_id: z.string().nullable(),
  closure_target_root_spec_id: z.string().nullable(),
  runner_name: z.string(),
  model_name: z.string().nullable(),
  model_reasoning_effort: z.string().nullable(),
  command: z.array(z.string()),
  prompt_path: z.string(),
  emitted_at: z.string(),
});
export type InvocationArtifact = z.infer<typeof InvocationArtifactSchema>;

export const CompletionArtifactSchema = z.strictObject({
  schema_version: z.literal('1.0'),
  kind: z.literal('runner_completion'),
  request_id: z.string(),
  run_id: z.string(),
  stage: z.string(),
  request_kind: RequestKindSchema,
  active_work_item_id: z.string().nullable(),
  closure_target_root_spec_id: z.string().nullable(),
  runner_name: z.string(),
  model_reasoning_effort: z.string().nullable(),
  exit_kind: ExitKindSchema,
  exit_code: z.number().int().nullable(),
  observed_exit_kind: ExitKindSchema.nullable(),
  observed_exit_code: z.number().int().nullable(),
  stdout_path: z.string().nullable(),
  stderr_path: z.string().nullable(),
  terminal_result_path: z.string().nullable(),
  event_log_path: z.string().nullable(),
  token_usage: TokenUsageSchema.nullable(),
  /** Present only when the harness priced the run itself (the raw result's `cost_usd`). */
  cost_usd: z.number().min(0).optional(),
  started_at: z.string(),
  ended_at: z.string(),
  failure_class: z.string().nullable(),
  notes: z.array(z.string()),
  command: z.array(z.string()),
  emitted_at: z.string(),
});
export type CompletionArtifact = z.infer<typeof CompletionArtifactSchema>;

export function buildInvocationArtifact(request: StageRunRequest, runnerName: string, command: string[], promptPath: string, now: Date): InvocationArtifact {
  return {
    schema_version: '1.0',
    kind: 'runner_invocation',
    request_id: request.request_id,
    run_id: request.run_id,
    stage: request.stage,
    request_kind: request.request_kind,
    active_work_item_id: request.active_work_item_id,
    closure_target_root_spec_id: request.closure_target_root_spec_id,
    runner_name: runnerName,
    model_name: request.model_name,
    model_reasoning_effort: request.model_reasoning_effort,
    command,
    prompt_path: promptPath,
    emitted_at: now.toISOString(),
  };
}

export function buildCompletionArtifact(request: StageRunRequest, raw: RunnerRawResult, command: string[], now: Date): CompletionArtifact {
  return {
    schema_version: '1.0',
    kind: 'runner_completion',
    request_id: request.request_id,
    run_id: request.run_id,
    stage: request.stage,
    request_kind: request.request_kind,
    active_work_item_id: request.active_work_item_id,
    closure_target_root_spec_id: request.closure_target_root_spec_id,
    runner_name: raw.runner_name,
    model_reasoning_effort: raw.model_reasoning_effort,
    exit_kind: raw.exit_kind,
    exit_code: raw.exit_code,
    observed_exit_kind: raw.observed_exit_kind,
    observed_exit_code: raw.observed_exit_code,
    stdout_path: raw.stdout_path,
    stderr_path: raw.stderr_path,
    terminal_result_path: raw.terminal_result_path,
    event_log_path: raw.event_log_path,
    token_usage: raw.token_usage,
    ...(typeof raw.cost_usd === 'number' ? { cost_usd: raw.cost_usd } : {}),
    started_at: raw.started_at,
    ended_at: raw.ended_at,
    failure_class: raw.failure_class,
    notes: raw.notes,
    command,
    emitted_at: now.toISOString(),
  };
}

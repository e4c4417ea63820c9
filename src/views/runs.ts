import { isAbsolute, join, resolve } from 'node:path';
import type { RunInspection } from '../contracts/runtime-state.js';
import { MillraceError } from '../errors/index.js';
import { readTailTextSync } from '../workspace/bounded-read.js';
import { requireInitializedWorkspace } from '../workspace/initialized.js';
import { listRunFiles } from '../workspace/state/run-dirs.js';
import { openStdoutFiles } from './run-follow.js';
import { inspectRun } from './run-inspection.js';
import { buildRunList, readLiveRuns, type RunListFilters, type RunsLsResult } from './run-list.js';
import { resolveRunRef } from './run-ref.js';

export { inspectRun };
export type { RunsLsResult };

/** `runs ls`: newest first, filtered (run-list.ts). */
export async function listRuns(workspace: string, filters: RunListFilters, now = new Date()): Promise<RunsLsResult> {
  return buildRunList(requireInitializedWorkspace(workspace), filters, now);
}

/** A run reference resolved to its id (see run-ref.ts). */
export async function resolveRun(workspace: string, runRef: string): Promise<{ paths: ReturnType<typeof requireInitializedWorkspace>; runId: string }> {
  const paths = requireInitializedWorkspace(workspace);
  return { paths, runId: await resolveRunRef(paths, runRef) };
}

/** `runs show <run>`: any unique prefix of a run id, or `latest`. */
export async function showRun(workspace: string, runRef: string): Promise<RunInspection> {
  const paths = requireInitializedWorkspace(workspace);
  const run = await inspectRun(paths, await resolveRunRef(paths, runRef));
  if (!run) throw new MillraceError('NOT_FOUND', `run not found: ${runRef}`, { hint: 'list runs with `millrace runs ls`' });
  return run;
}

/** `runs tail` prints at most this much of the end of an artifact. */
export const TAIL_MAX_BYTES = 1024 * 1024;

export type RunsTailResult = { run_id: string; path: string; content: string };

/** The most useful artifact of a run: the running stage's stdout, else troubleshoot report, else stdout, else stderr, else the last stage result. */
export async function tailRun(workspace: string, runRef: string): Promise<RunsTailResult> {
  const paths = requireInitializedWorkspace(workspace);
  const run = await showRun(workspace, runRef);
  const last = run.stage_results[run.stage_results.length - 1];
  // While a stage of the run is running, its output so far is the most useful artifact.
  const running = (await readLiveRuns(paths)).has(run.run_id) ? (openStdoutFiles((await listRunFiles(paths, run.run_id)) ?? []).at(-1)?.name ?? null) : null;
  const candidates = [running, run.troubleshoot_report_path, run.primary_stdout_path, run.primary_stderr_path, last?.stage_result_path ?? null].filter((p): p is string => p !== null);
  const pick = candidates[0];
  if (!pick) throw new MillraceError('NOT_FOUND', `no tailable artifact found for run: ${run.run_id}`);
  const path = isAbsolute(pick) ? pick : resolve(join(run.run_dir, pick));
  // At most the last 1 MiB: an agent's output may be any size.
  let tail: { text: string; omittedBytes: number } | undefined;
  try {
    tail = readTailTextSync(path, TAIL_MAX_BYTES, { code: 'FAILED' });
  } catch (error) {
    throw new MillraceError('FAILED', `${path}: ${(error as Error).message}`, { file: path });
  }
  if (tail === undefined) throw new MillraceError('FAILED', `${path}: ENOENT: no such file or directory`, { file: path });
  const content = tail.omittedBytes > 0 ? `[first ${tail.omittedBytes} bytes omitted]\n${tail.text}` : tail.text;
  return { run_id: run.run_id, path, content };
}

const n = (v: unknown) => (v === null || v === undefined ? 'none' : String(v));
const dec = (v: number | null) => (v === null ? 'none' : Number.isInteger(v) ? v.toFixed(1) : String(v));
const tokenLines = (u: RunInspection['token_usage']) =>
  u ? [`input_tokens: ${u.input_tokens}`, `cached_input_tokens: ${u.cached_input_tokens}`, `output_tokens: ${u.output_tokens}`, `thinking_tokens: ${u.thinking_tokens}`, `total_tokens: ${u.total_tokens}`] : [];
const costLines = (cost: number | null) => (cost === null ? [] : [`cost_usd: ${Number(cost.toFixed(6))}`]);

export function renderRunShow(r: RunInspection): string[] {
  const lines = [
    `run_id: ${r.run_id}`,
    `status: ${r.status}`,
    `compiled_plan_id: ${n(r.compiled_plan_id)}`,
    `mode_id: ${n(r.mode_id)}`,
    `request_kind: ${n(r.request_kind)}`,
    `closure_target_root_spec_id: ${n(r.closure_target_root_spec_id)}`,
    `work_item_kind: ${n(r.work_item_kind)}`,
    `work_item_id: ${n(r.work_item_id)}`,
    `failure_class: ${n(r.failure_class)}`,
    `started_at: ${n(r.started_at)}`,
    `completed_at: ${n(r.completed_at)}`,
    `duration_seconds: ${dec(r.duration_seconds)}`,
    `troubleshoot_report_path: ${n(r.troubleshoot_report_path)}`,
    `primary_stdout_path: ${n(r.primary_stdout_path)}`,
    `primary_stderr_path: ${n(r.primary_stderr_path)}`,
    `stage_result_count: ${r.stage_results.length}`,
    ...tokenLines(r.token_usage),
    ...costLines(r.cost_usd),
    ...r.notes.map((note) => `note: ${note}`),
  ];
  for (const s of r.stage_results) {
    lines.push(
      `stage_result_path: ${s.stage_result_path}`,
      `request_id: ${n(s.request_id)}`,
      `compiled_plan_id: ${n(s.compiled_plan_id)}`,
      `mode_id: ${n(s.mode_id)}`,
      `stage: ${s.stage}`,
      `node_id: ${s.node_id}`,
      `stage_kind_id: ${s.stage_kind_id}`,
      `request_kind: ${n(s.request_kind)}`,
      `closure_target_root_spec_id: ${n(s.closure_target_root_spec_id)}`,
      `terminal_result: ${s.terminal_result}`,
      `result_class: ${s.result_class}`,
      `runner_name: ${n(s.runner_name)}`,
      `model_name: ${n(s.model_name)}`,
      `model_reasoning_effort: ${n(s.model_reasoning_effort)}`,
      `started_at: ${s.started_at}`,
      `completed_at: ${s.completed_at}`,
      `duration_seconds: ${dec(s.duration_seconds)}`,
      `stdout_path: ${n(s.stdout_path)}`,
      `stderr_path: ${n(s.stderr_path)}`,
      `report_artifact: ${n(s.report_artifact)}`,
      ...tokenLines(s.token_usage),
      ...costLines(s.cost_usd),
      ...s.artifact_paths.map((p) => `artifact_path: ${p}`),
    );
  }
  return lines;
}

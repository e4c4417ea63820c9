import { isAbsolute, relative } from 'node:path';
import { StageResultEnvelopeSchema, type RunInspection, type StageResultSummary } from '../contracts/runtime-state.js';
import type { WorkspacePaths } from '../workspace/paths.js';
import { readStageResultFiles, runDirPath } from '../workspace/state/run-dirs.js';

const str = (v: unknown) => (typeof v === 'string' ? v : null);

/** Inspect one run directory (control-and-inspection.md §8); null when it does not exist. */
export async function inspectRun(paths: WorkspacePaths, runId: string): Promise<RunInspection | null> {
  const files = await readStageResultFiles(paths, runId);
  if (files === null) return null;
  const runDir = runDirPath(paths, runId);
  const rel = (p: string | null) => {
    if (p === null) return null;
    const r = relative(runDir, p);
    return !r.startsWith('..') && !isAbsolute(r) ? r.split('\\').join('/') : p;
  };
  const notes: string[] = [];
  let status: RunInspection['status'] = 'valid';
  const results: StageResultSummary[] = [];
  for (const file of files) {
    if (file.refused !== undefined) {
      status = 'malformed';
      notes.push(`${file.name}: ${file.refused}`);
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(file.text);
    } catch (error) {
      status = 'malformed';
      notes.push(`${file.name}: invalid JSON: ${(error as Error).message}`);
      continue;
    }
    const parsed = StageResultEnvelopeSchema.safeParse(json);
    if (!parsed.success) {
      status = 'malformed';
      notes.push(`${file.name}: invalid stage result payload: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
      continue;
    }
    const r = parsed.data;
    const m = r.metadata;
    results.push({
      stage_result_path: `stage_results/${file.name}`,
      request_id: str(m.request_id),
      compiled_plan_id: str(m.compiled_plan_id),
      mode_id: str(m.mode_id),
      request_kind: str(m.request_kind),
      closure_target_root_spec_id: str(m.closure_target_root_spec_id),
      failure_class: str(m.failure_class),
      stage: r.stage,
      node_id: r.node_id,
      stage_kind_id: r.stage_kind_id,
      terminal_result: r.terminal_result,
      result_class: r.result_class,
      work_item_kind: r.work_item_kind,
      work_item_id: r.work_item_id,
      stdout_path: rel(r.stdout_path),
      stderr_path: rel(r.stderr_path),
      report_artifact: rel(r.report_artifact),
      artifact_paths: r.artifact_paths.map((p) => rel(p) as string),
      runner_name: r.runner_name,
      model_name: r.model_name,
      model_reasoning_effort: r.model_reasoning_effort,
      started_at: r.started_at,
      completed_at: r.completed_at,
      duration_seconds: r.duration_seconds,
      token_usage: r.token_usage,
      cost_usd: typeof m.cost_usd === 'number' && Number.isFinite(m.cost_usd) && m.cost_usd >= 0 ? m.cost_usd : null,
    });
  }
  if (files.length === 0) notes.push('no stage result artifacts found');
  if (results.length === 0 && status === 'valid') status = 'incomplete';
  results.sort((a, b) => a.completed_at.localeCompare(b.completed_at) || a.started_at.localeCompare(b.started_at) || a.stage_result_path.localeCompare(b.stage_result_path));
  const last = results[results.length - 1] ?? null;
  const first = results[0] ?? null;
  const costs = results.map((r) => r.cost_usd).filter((c): c is number => c !== null);
  const usages = results.map((r) => r.token_usage).filter((u): u is NonNullable<typeof u> => u !== null);
  const usage = usages.length
    ? usages.reduce((a, u) => ({
        input_tokens: a.input_tokens + u.input_tokens,
        cached_input_tokens: a.cached_input_tokens + u.cached_input_tokens,
        cache_write_input_tokens: a.cache_write_input_tokens + u.cache_write_input_tokens,
        output_tokens: a.output_tokens + u.output_tokens,
        thinking_tokens: a.thinking_tokens + u.thinking_tokens,
        total_tokens: a.total_tokens + u.total_tokens,
      }))
    : null;
  return {
    run_id: runId,
    run_dir: runDir,
    status,
    compiled_plan_id: last?.compiled_plan_id ?? null,
    mode_id: last?.mode_id ?? null,
    request_kind: last?.request_kind ?? null,
    closure_target_root_spec_id: last?.closure_target_root_spec_id ?? null,
    work_item_kind: last?.work_item_kind ?? null,
    work_item_id: last?.work_item_id ?? null,
    failure_class: last?.failure_class ?? null,
    started_at: first?.started_at ?? null,
    completed_at: last?.completed_at ?? null,
    duration_seconds: first && last ? (Date.parse(last.completed_at) - Date.parse(first.started_at)) / 1000 : null,
    troubleshoot_report_path: last?.report_artifact ?? null,
    primary_stdout_path: last?.stdout_path ?? null,
    primary_stderr_path: last?.stderr_path ?? null,
    stage_results: results,
    token_usage: usage,
    cost_usd: costs.length ? costs.reduce((a, c) => a + c, 0) : null,
    notes,
  };
}

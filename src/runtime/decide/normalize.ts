import { isAbsolute, relative, resolve, sep } from 'node:path';
import * as z from '@millrace/plugin-api/zod';
import { MARKER_LINE_PATTERN, type ResultClass, type RunnerRawResult, type StageRunRequest, type WorkItemKind } from '@millrace/plugin-api';
import type { NormalizationFailureClass, StageResultEnvelope } from '../../contracts/runtime-state.js';

/** What the shell read from disk for one raw result; `undefined` = file absent, `null` = unreadable. */
export type NormalizationFacts = {
  stdoutText: string | null | undefined;
  structuredText: string | null | undefined;
  /** Absolute paths of every regular file under the request's run_dir. */
  runDirFiles: ReadonlySet<string>;
};

const StructuredResultSchema = z.strictObject({
  stage: z.string().optional(),
  terminal_result: z.string(),
  result_class: z.string().optional(),
  summary_artifact_paths: z.array(z.string()).optional(),
});

type Extraction =
  | { ok: true; outcome: string; resultClass: ResultClass; detected: string; artifacts: string[]; notes: string[] }
  | { ok: false; failureClass: NormalizationFailureClass; detected: string | null; notes: string[] };

const failure = (failureClass: NormalizationFailureClass, note: string, detected: string | null = null): Extraction => ({ ok: false, failureClass, detected, notes: [note] });

function resolveClass(request: StageRunRequest, outcome: string): ResultClass | null {
  const classes = request.allowed_result_classes_by_outcome[outcome] ?? [];
  if (classes.length === 1) return classes[0]!;
  if (outcome === 'BLOCKED' && classes.includes('blocked')) return 'blocked';
  return null;
}

const legal = (request: StageRunRequest, outcome: string) => request.legal_terminal_markers.includes(`### ${outcome}`);

/** Stdout marker extraction (runners.md §5.1). */
export function extractStdoutMarker(request: StageRunRequest, stdoutPath: string | null, text: string | null | undefined): Extraction {
  if (stdoutPath === null) return failure('missing_terminal_result', 'stdout path is missing and no structured terminal result was provided');
  if (text === undefined) return failure('missing_terminal_result', `stdout file is missing: ${stdoutPath}`);
  if (text === null) return failure('runner_transport_failure', `stdout file is unreadable: ${stdoutPath}`);
  const tokens: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const match = MARKER_LINE_PATTERN.exec(line.trim());
    if (match) tokens.push(match[1]!);
  }
  if (tokens.length === 0) return failure('missing_terminal_result', 'no terminal token found in stdout');
  const last = tokens[tokens.length - 1]!;
  if (new Set(tokens).size > 1) return failure('conflicting_terminal_results', `conflicting terminal tokens in stdout: ${[...new Set(tokens)].join(', ')}`, `### ${last}`);
  if (!legal(request, last)) return failure('illegal_terminal_result', `terminal token ${last} is not legal for stage ${request.stage}`, `### ${last}`);
  const resultClass = resolveClass(request, last);
  if (!resultClass) return failure('illegal_terminal_result', `result class for ${last} cannot be resolved`, `### ${last}`);
  return { ok: true, outcome: last, resultClass, detected: `### ${last}`, artifacts: [], notes: ['terminal result resolved from stdout token'] };
}

const insideDir = (dir: string, path: string) => {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..');
};

/** Structured terminal result file (runners.md §5.2). */
export function extractStructuredResult(request: StageRunRequest, text: string | null | undefined, runDirFiles: ReadonlySet<string>): Extraction {
  if (text === undefined) return failure('missing_terminal_result', 'structured terminal result file is missing');
  if (text === null) return failure('illegal_terminal_result', 'structured terminal result file is unreadable');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return failure('illegal_terminal_result', `structured terminal result is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = StructuredResultSchema.safeParse(json);
  if (!parsed.success) return failure('illegal_terminal_result', `structured terminal result is invalid: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const data = parsed.data;
  const outcome = data.terminal_result.trim().replace(/^###\s+/, '');
  if (data.stage !== undefined && data.stage !== request.stage) return failure('illegal_terminal_result', `structured result stage ${data.stage} does not match ${request.stage}`);
  if (!legal(request, outcome)) return failure('illegal_terminal_result', `terminal result ${outcome} is not legal for stage ${request.stage}`, `### ${outcome}`);
  const allowed = request.allowed_result_classes_by_outcome[outcome] ?? [];
  const resultClass = data.result_class !== undefined ? (allowed.includes(data.result_class as ResultClass) ? (data.result_class as ResultClass) : null) : resolveClass(request, outcome);
  if (!resultClass) return failure('illegal_terminal_result', `result class for ${outcome} is not allowed`, `### ${outcome}`);
  const artifacts: string[] = [];
  for (const entry of data.summary_artifact_paths ?? []) {
    const abs = resolve(request.run_dir, entry);
    if (!insideDir(request.run_dir, abs) || !runDirFiles.has(abs)) return failure('missing_required_artifact', `summary artifact is missing inside run_dir: ${entry}`, `### ${outcome}`);
    artifacts.push(abs);
  }
  return { ok: true, outcome, resultClass, detected: `### ${outcome}`, artifacts, notes: ['terminal result resolved from structured result file'] };
}

function checkRaw(raw: RunnerRawResult, request: StageRunRequest): Extraction | null {
  const mismatches = (['request_id', 'run_id', 'stage'] as const).filter((f) => raw[f] !== request[f]);
  if (mismatches.length) return { ok: false, failureClass: 'runner_transport_failure', detected: null, notes: mismatches.map((f) => `raw result ${f} does not match stage run request`) };
  const byKind: Partial<Record<RunnerRawResult['exit_kind'], NormalizationFailureClass>> = {
    timeout: 'runner_timeout',
    provider_error: 'provider_failure',
    runner_error: 'runner_transport_failure',
    interrupted: 'runner_transport_failure',
  };
  // The host ended a silent runner (stall detection): routed like a timeout, recorded under its own class.
  if (raw.exit_kind === 'timeout' && raw.failure_class === 'runner_stalled') return failure('runner_stalled', raw.notes.find((n) => n.startsWith('no runner activity')) ?? 'runner stalled');
  const kindFailure = byKind[raw.exit_kind];
  if (kindFailure) return failure(kindFailure, `runner exited with ${raw.exit_kind}`);
  if (raw.exit_code !== null && raw.exit_code !== 0) return failure('runner_transport_failure', 'runner completed with non-zero exit code');
  return null;
}

function workItemOf(request: StageRunRequest): { kind: WorkItemKind; id: string } {
  if (request.request_kind === 'closure_target') return { kind: 'spec', id: request.closure_target_root_spec_id ?? 'unknown' };
  return { kind: request.active_work_item_kind ?? 'task', id: request.active_work_item_id ?? 'unknown' };
}

/** Pure: RunnerRawResult -> StageResultEnvelope (runners.md §5). Never throws for runner misbehaviour. */
export function normalizeRunnerOutput(raw: RunnerRawResult, request: StageRunRequest, facts: NormalizationFacts): StageResultEnvelope {
  const extraction =
    checkRaw(raw, request) ??
    (raw.terminal_result_path !== null ? extractStructuredResult(request, facts.structuredText, facts.runDirFiles) : extractStdoutMarker(request, raw.stdout_path, facts.stdoutText));
  const item = workItemOf(request);
  const reportArtifact = [request.preferred_report_path, request.preferred_troubleshoot_report_path].find(
    (p): p is string => p !== null && insideDir(request.run_dir, p) && facts.runDirFiles.has(p),
  ) ?? null;
  const artifactPaths = [...new Set([...(extraction.ok ? extraction.artifacts : []), reportArtifact, raw.event_log_path].filter((p): p is string => p !== null))];
  const observedKind = raw.observed_exit_kind ?? raw.exit_kind;
  const timeoutReconciled = raw.observed_exit_kind === 'timeout' && raw.exit_kind === 'completed';
  const metadata: Record<string, unknown> = {
    request_id: request.request_id,
    request_kind: request.request_kind,
    mode_id: request.mode_id,
    compiled_plan_id: request.compiled_plan_id,
    closure_target_root_spec_id: request.closure_target_root_spec_id,
    closure_target_root_idea_id: request.closure_target_root_idea_id,
    preferred_rubric_path: request.preferred_rubric_path,
    preferred_verdict_path: request.preferred_verdict_path,
    preferred_report_path: request.preferred_report_path,
    skill_revision_evidence_path: request.skill_revision_evidence_path,
    model_reasoning_effort: request.model_reasoning_effort,
    raw_exit_kind: observedKind,
    raw_exit_code: raw.observed_exit_code ?? raw.exit_code,
    timeout_reconciled: timeoutReconciled,
    normalization_source: extraction.ok ? (raw.terminal_result_path !== null ? 'structured_result_file' : 'stdout_terminal_token') : 'failure',
    failure_class: extraction.ok ? null : extraction.failureClass,
    valid_terminal_result: extraction.ok,
    // the harness's own price of the run (Claude Code reports one); absent when it gave none
    ...(typeof raw.cost_usd === 'number' ? { cost_usd: raw.cost_usd } : {}),
  };
  const started = Date.parse(raw.started_at);
  const ended = Date.parse(raw.ended_at);
  const outcome = extraction.ok ? extraction.outcome : 'BLOCKED';
  const resultClass: ResultClass = extraction.ok ? extraction.resultClass : 'recoverable_failure';
  const notes = extraction.ok && timeoutReconciled ? [...extraction.notes, 'runner timeout was reconciled after a final terminal marker was captured'] : extraction.notes;
  return {
    schema_version: '1.0',
    kind: 'stage_result',
    run_id: request.run_id,
    plane: request.plane,
    stage: request.stage,
    node_id: request.node_id || request.stage,
    stage_kind_id: request.stage_kind_id || request.stage,
    work_item_kind: item.kind,
    work_item_id: item.id,
    terminal_result: outcome,
    result_class: resultClass,
    summary_status_marker: `### ${outcome}`,
    success: resultClass === 'success',
    retryable: !extraction.ok,
    exit_code: extraction.ok ? (raw.exit_code ?? 0) : raw.exit_code === null || raw.exit_code === 0 ? 1 : raw.exit_code,
    duration_seconds: Math.max(0, (ended - started) / 1000),
    prompt_artifact: null,
    report_artifact: reportArtifact,
    artifact_paths: artifactPaths,
    detected_marker: extraction.detected,
    stdout_path: raw.stdout_path,
    stderr_path: raw.stderr_path,
    runner_name: raw.runner_name,
    model_name: raw.model_name,
    model_reasoning_effort: raw.model_reasoning_effort ?? request.model_reasoning_effort,
    token_usage: raw.token_usage,
    notes,
    metadata,
    started_at: raw.started_at,
    completed_at: raw.ended_at,
  };
}

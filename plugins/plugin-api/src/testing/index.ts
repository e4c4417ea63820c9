import { join } from 'node:path';
import { RunnerRawResultSchema, StageRunRequestSchema, type RunnerRawResult, type StageRunRequest, type StageRunRequestInput } from '../stage-request.js';

/**
 * Builds a valid builder request rooted at `runtimeRoot` for runner tests.
 * Any field may be overridden; the result is validated with the real schema.
 */
export function aStageRunRequest(runtimeRoot: string, overrides: Partial<StageRunRequestInput> = {}): StageRunRequest {
  const runId = overrides.run_id ?? 'run-test-0001';
  const requestId = overrides.request_id ?? `request-${'0'.repeat(31)}1`;
  const base: StageRunRequestInput = {
    request_id: requestId,
    run_id: runId,
    plane: 'execution',
    stage: 'builder',
    request_kind: 'active_work_item',
    mode_id: 'test_mode',
    compiled_plan_id: 'plan-test',
    node_id: 'builder',
    stage_kind_id: 'builder',
    running_status_marker: 'BUILDER_RUNNING',
    legal_terminal_markers: ['### BUILDER_COMPLETE', '### BLOCKED'],
    allowed_result_classes_by_outcome: { BUILDER_COMPLETE: ['success'], BLOCKED: ['blocked', 'recoverable_failure'] },
    entrypoint_path: join(runtimeRoot, 'entrypoints/execution/builder.md'),
    required_skill_paths: [join(runtimeRoot, 'skills/stage/execution/builder-core/SKILL.md')],
    active_work_item_kind: 'task',
    active_work_item_id: 'T-1',
    active_work_item_path: join(runtimeRoot, 'tasks/active/T-1.md'),
    run_dir: join(runtimeRoot, 'runs', runId),
    summary_status_path: join(runtimeRoot, 'state/execution_status.md'),
    runtime_snapshot_path: join(runtimeRoot, 'state/runtime_snapshot.json'),
    recovery_counters_path: join(runtimeRoot, 'state/recovery_counters.json'),
    timeout_seconds: 60,
  };
  return StageRunRequestSchema.parse({ ...base, ...overrides });
}

/** Contract checks every runner adapter must satisfy for any request; returns the violations (empty = conforms). */
export function checkRawResultConformance(request: StageRunRequest, raw: unknown): string[] {
  const parsed = RunnerRawResultSchema.safeParse(raw);
  if (!parsed.success) return parsed.error.issues.map((i) => `raw result ${i.path.join('.') || '(root)'}: ${i.message}`);
  const r: RunnerRawResult = parsed.data;
  const problems: string[] = [];
  if (r.request_id !== request.request_id) problems.push('request_id is not echoed');
  if (r.run_id !== request.run_id) problems.push('run_id is not echoed');
  if (r.stage !== request.stage) problems.push('stage is not echoed');
  for (const [field, path] of [['stdout_path', r.stdout_path], ['stderr_path', r.stderr_path], ['event_log_path', r.event_log_path]] as const) {
    if (path !== null && !path.startsWith(request.run_dir)) problems.push(`${field} must live inside run_dir`);
  }
  if (r.exit_kind === 'completed' && r.exit_code !== null && r.exit_code !== 0 && r.observed_exit_kind === null) problems.push('completed with a non-zero exit code');
  return problems;
}

export * from './fake-model-script.js';
export { DEFAULT_FAKE_USAGE, selectShellTool, type FakeUsage } from './fake-model-stream.js';
export * from './fake-model-server.js';
export * from './codex-home.js';
export * from './fake-anthropic-server.js';

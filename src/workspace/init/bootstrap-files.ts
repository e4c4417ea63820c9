/** Directories `init` creates under `millrace-agents/` (workspace.md §2), runtime-root-relative. */
export const BOOTSTRAP_DIRECTORIES: readonly string[] = [
  'state/mailbox/incoming',
  'state/mailbox/processed',
  'state/mailbox/failed',
  'runs',
  ...['queue', 'active', 'done', 'blocked'].map((d) => `tasks/${d}`),
  ...['queue', 'active', 'done', 'blocked'].map((d) => `specs/${d}`),
  ...['incoming', 'active', 'resolved', 'blocked'].map((d) => `incidents/${d}`),
  ...['queue', 'active', 'done', 'blocked'].map((d) => `learning/requests/${d}`),
  'learning/research-packets',
  'learning/skill-candidates',
  'learning/update-candidates',
  'arbiter/contracts/ideas',
  'arbiter/contracts/root-specs',
  'arbiter/targets',
  'arbiter/rubrics',
  'arbiter/verdicts',
  'arbiter/reports',
  ...['execution', 'planning', 'learning'].map((p) => `loops/${p}`),
  ...['execution', 'planning', 'learning'].map((p) => `graphs/${p}`),
  ...['execution', 'planning', 'learning'].map((p) => `registry/stage_kinds/${p}`),
  'modes',
  'logs',
  'entrypoints',
  'skills',
];

/** The operator-owned config `init` writes when absent; it loads to the default config (config.md §1). */
export const BOOTSTRAP_TOML = '[runtime]\ndefault_mode = "default_codex"\nrun_style = "daemon"\n\n[runners.codex]\npermission_default = "maximum"\n';

const IDLE = '### IDLE';

/** The bootstrap runtime snapshot (workspace.md §3.2), key order as specified. */
export function bootstrapSnapshot(now: Date): Record<string, unknown> {
  return {
    schema_version: '1.0',
    kind: 'runtime_snapshot',
    runtime_mode: 'daemon',
    process_running: false,
    paused: false,
    pause_sources: [],
    stop_requested: false,
    active_mode_id: 'default_codex',
    execution_loop_id: 'execution.standard',
    planning_loop_id: 'planning.standard',
    learning_loop_id: null,
    loop_ids_by_plane: { execution: 'execution.standard', planning: 'planning.standard' },
    compiled_plan_id: 'bootstrap',
    compiled_plan_path: 'millrace-agents/state/compiled_plan.json',
    active_plane: null,
    active_stage: null,
    active_node_id: null,
    active_stage_kind_id: null,
    active_run_id: null,
    active_work_item_kind: null,
    active_work_item_id: null,
    active_runs_by_plane: {},
    execution_status_marker: IDLE,
    planning_status_marker: IDLE,
    learning_status_marker: IDLE,
    status_markers_by_plane: { execution: IDLE, planning: IDLE, learning: IDLE },
    queue_depth_execution: 0,
    queue_depth_planning: 0,
    queue_depth_learning: 0,
    queue_depths_by_plane: { execution: 0, planning: 0, learning: 0 },
    last_terminal_result: null,
    last_stage_result_path: null,
    current_failure_class: null,
    troubleshoot_attempt_count: 0,
    mechanic_attempt_count: 0,
    fix_cycle_count: 0,
    consultant_invocations: 0,
    config_version: 'bootstrap',
    watcher_mode: 'off',
    last_reload_outcome: null,
    last_reload_error: null,
    started_at: null,
    active_since: null,
    updated_at: now.toISOString(),
  };
}

export function bootstrapRecoveryCounters(): Record<string, unknown> {
  return { schema_version: '1.0', kind: 'recovery_counters', entries: [] };
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Pure: every default file `init` writes when absent (workspace.md §2-3), runtime-root-relative path -> content. */
export function bootstrapFiles(now: Date): ReadonlyArray<{ path: string; content: string }> {
  return [
    { path: 'outline.md', content: '' },
    { path: 'historylog.md', content: '' },
    { path: 'millrace.toml', content: BOOTSTRAP_TOML },
    { path: 'state/execution_status.md', content: `${IDLE}\n` },
    { path: 'state/planning_status.md', content: `${IDLE}\n` },
    { path: 'state/learning_status.md', content: `${IDLE}\n` },
    { path: 'state/runtime_snapshot.json', content: json(bootstrapSnapshot(now)) },
    { path: 'state/recovery_counters.json', content: json(bootstrapRecoveryCounters()) },
    { path: 'learning/events.jsonl', content: '' },
  ];
}

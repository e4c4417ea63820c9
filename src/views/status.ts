import type { Plane, TokenUsage } from '@millrace/plugin-api';
import { formatCost, formatTokens, usageTotalsForStatus, type UsageTotals } from './usage.js';
import { readUsageLedger } from '../workspace/state/usage-ledger.js';
import { readLiveActivity } from '../workspace/state/live-activity.js';
import { FOREGROUND_ORDER, type ActiveRunState, type LockState } from '../contracts/runtime-state.js';
import type { RunnerSchemaSource } from '../contracts/config.js';
import type { CompilerRegistry } from '../contracts/compiled-plan.js';
import { loadConfig } from '../config/load.js';
import { inspectPlanCurrentness } from './plan-currentness.js';
import { formatProblem } from '../workspace/documents/problems.js';
import { readBaselineManifest } from '../workspace/init/baseline-manifest.js';
import { requireInitializedWorkspace } from '../workspace/initialized.js';
import { displayPath } from '../workspace/queue/layout.js';
import { FULL_SCOPE, countByFolder, countDocumentFiles, listQueue } from '../workspace/queue/scan.js';
import { readRecoveryCounters } from '../workspace/state/counters-store.js';
import { inspectLock } from '../workspace/state/lock.js';
import { readSnapshot } from '../workspace/state/snapshot-store.js';
import { closureStatusLines, readClosureStatus, type ClosureStatus } from './closure-status.js';
import { join } from 'node:path';
import type { UsageGovernanceConfig } from '../contracts/config.js';
import { governanceLines, governanceView, type UsageGovernanceView } from './usage-governance.js';

export type StatusView = {
  workspace: string;
  runtime_mode: string;
  process_running: boolean;
  runtime_ownership_lock: LockState;
  runtime_ownership_lock_detail: string;
  paused: boolean;
  pause_sources: string;
  stop_requested: boolean;
  active_mode_id: string;
  compiled_plan_id: string;
  compiled_plan_currentness: 'current' | 'stale' | 'missing' | 'unknown';
  compiled_plan_currentness_error: string | null;
  /** Set when the plan is stale: what the next `run` will compile and use (so status never contradicts itself). */
  plan_stale_detail: string | null;
  active_plane: string | null;
  active_stage: string | null;
  active_node_id: string | null;
  active_stage_kind_id: string | null;
  active_work_item_kind: string | null;
  active_work_item_id: string | null;
  active_run_count: number;
  execution_queue_depth: number;
  planning_queue_depth: number;
  learning_queue_depth: number;
  execution_status_marker: string;
  planning_status_marker: string;
  learning_status_marker: string;
  active_runs: ActiveRunState[];
  /** From `state/baseline_manifest.json`; null when it is unreadable or invalid. */
  baseline_manifest_id: string | null;
  baseline_seed_package_version: string | null;
  /** Busy execution lanes (docs/parallel.md), lowest first; empty in the serial runtime. */
  execution_lanes: LaneStatus[];
  compile_input: { mode_id: string; config_fingerprint: string; assets_fingerprint: string } | null;
  persisted_compile_input: { mode_id: string; config_fingerprint: string; assets_fingerprint: string } | null;
  current_failure_class: string | null;
  counters: { troubleshoot_attempt_count: number; mechanic_attempt_count: number; fix_cycle_count: number; consultant_invocations: number };
  last_terminal_result: string | null;
  last_stage_result_path: string | null;
  recovery_counter_entries: number;
  closure: ClosureStatus;
  /** Documents in queue folders that do not parse (never deleted; selection skips them). */
  invalid_documents: Array<{ kind: string; state: string; path: string; problems: string[] }>;
  /** Totals from `state/usage_ledger.jsonl`: the running daemon's session (null when none runs), today (UTC), all time. */
  usage: ReturnType<typeof usageTotalsForStatus> | null;
  usage_error: string | null;
  usage_governance: UsageGovernanceView;
  /** Per running stage (only while a daemon or `run once` runs): its last activity and usage so far, as its runner reports them. */
  active_run_activity: ActiveRunActivity[];
};

export type ActiveRunActivity = {
  run_id: string;
  plane: string;
  stage: string;
  /** The execution lane; null in the serial runtime. */
  lane: number | null;
  work_item_id: string | null;
  last_activity_at: string | null;
  last_activity: string | null;
  /** Cumulative usage of the running stage so far; null when its runner reports none (yet). */
  token_usage: TokenUsage | null;
};


export type LaneStatus = {
  lane: number;
  stage: string;
  node_id: string;
  /** When the lane's task was claimed (its run began). */
  active_since: string;
  work_item_id: string | null;
  run_id: string;
  status_marker: string;
  worktree_path: string | null;
  branch: string | null;
};

/** Read-only status (control-and-inspection.md §6): never takes the lock, never compiles. */
export type StatusViewOptions = {
  /**
   * A long-lived reader (web dashboard, `status watch`): watch the queue folders and reparse only what changed
   * (scan.ts `watchFolders`) instead of using the persisted parse cache of one-shot commands.
   */
  longLived?: boolean;
};

export async function buildStatusView(workspace: string, registryOrPending: Registryish | Promise<Registryish>, options: StatusViewOptions = {}): Promise<StatusView> {
  const paths = requireInitializedWorkspace(workspace);
  // Started first: its file I/O overlaps the plugin registry's module loading when the registry is still pending.
  const scan = listQueue(paths, FULL_SCOPE, options.longLived ? { watchFolders: true } : { persistParsed: true });
  scan.catch(() => undefined); // awaited below; this only keeps an early failure elsewhere from leaving it unhandled
  const registry = await registryOrPending;
  const snapshot = await readSnapshot(paths);
  const counters = await readRecoveryCounters(paths);
  const lock = await inspectLock(paths);
  let currentness: StatusView['compiled_plan_currentness'] = 'unknown';
  let currentnessError: string | null = null;
  let compileInput: StatusView['compile_input'] = null;
  let persisted: StatusView['persisted_compile_input'] = null;
  let governance: UsageGovernanceConfig | null = null;
  try {
    const { config } = await loadConfig({ workspaceRoot: paths.workspaceRoot, registry });
    governance = config.usage_governance;
    const report = await inspectPlanCurrentness({ paths, config, registry, modeId: null });
    currentness = report.currentness;
    compileInput = report.expected;
    persisted = report.persisted;
  } catch (error) {
    currentnessError = error instanceof Error ? error.message : String(error);
  }
  let usage: StatusView['usage'] = null;
  let usageError: string | null = null;
  // Read once: the usage totals and the governance budgets both evaluate it.
  const ledger = readUsageLedger(paths);
  ledger.catch(() => undefined); // each reader below reports its failure
  try {
    // The daemon session started when the running owner took the lock.
    const sessionStart = snapshot.process_running && lock.state === 'active' ? (lock.record?.acquired_at ?? null) : null;
    usage = usageTotalsForStatus(await ledger, new Date(), sessionStart);
  } catch (error) {
    usageError = error instanceof Error ? error.message : String(error);
  }
  const baseline = await readBaselineManifest(paths.baselineManifest, 'millrace-agents/state/baseline_manifest.json', paths.workspaceRoot).catch(() => null);
  const listing = await scan;
  const counts = countByFolder(listing);
  const paused = snapshot.paused || snapshot.pause_sources.length > 0;
  const pauseLabel = !paused ? 'none' : snapshot.pause_sources.length ? snapshot.pause_sources.join(',') : 'operator';
  const lanes: LaneStatus[] = [...(snapshot.execution_lanes ?? [])]
    .sort((a, b) => a.lane - b.lane)
    .map((l) => ({ lane: l.lane, stage: l.run.stage, node_id: l.run.node_id, active_since: l.run.active_since, work_item_id: l.run.work_item_id, run_id: l.run.run_id, status_marker: l.status_marker, worktree_path: l.worktree_path, branch: l.branch }));
  const runs = FOREGROUND_ORDER.map((p: Plane) => snapshot.active_runs_by_plane[p]).filter((r): r is ActiveRunState => r !== undefined);
  const processRunning = snapshot.process_running && lock.state === 'active';
  const running = processRunning ? [...runs.map((run) => ({ run, lane: null })), ...(snapshot.execution_lanes ?? []).map((l) => ({ run: l.run, lane: l.lane as number | null }))] : [];
  const activity = await Promise.all(
    running.map(async ({ run, lane }): Promise<ActiveRunActivity> => {
      const live = await readLiveActivity(paths, run.run_id).catch(() => null);
      const current = live && live.stage === run.stage ? live : null;
      return { run_id: run.run_id, plane: run.plane, stage: run.stage, lane, work_item_id: run.work_item_id, last_activity_at: current?.last_activity_at ?? null, last_activity: current?.last_activity ?? null, token_usage: current?.token_usage ?? null };
    }),
  );
  return {
    workspace: paths.workspaceRoot,
    runtime_mode: snapshot.runtime_mode,
    process_running: processRunning,
    runtime_ownership_lock: lock.state,
    runtime_ownership_lock_detail: lock.detail,
    paused,
    pause_sources: pauseLabel,
    stop_requested: snapshot.stop_requested,
    active_mode_id: snapshot.active_mode_id,
    compiled_plan_id: snapshot.compiled_plan_id,
    compiled_plan_currentness: currentness,
    compiled_plan_currentness_error: currentnessError,
    plan_stale_detail: planStaleDetail(currentness, compileInput, persisted),
    active_plane: snapshot.active_plane,
    active_stage: snapshot.active_stage,
    active_node_id: snapshot.active_node_id,
    active_stage_kind_id: snapshot.active_stage_kind_id,
    active_work_item_kind: snapshot.active_work_item_kind,
    active_work_item_id: snapshot.active_work_item_id,
    active_run_count: runs.length + lanes.length,
    execution_queue_depth: counts.task.queue,
    planning_queue_depth: counts.spec.queue + counts.incident.incoming,
    learning_queue_depth: countDocumentFiles(join(paths.runtimeRoot, 'learning', 'requests', 'queue')),
    execution_status_marker: snapshot.execution_status_marker,
    planning_status_marker: snapshot.planning_status_marker,
    learning_status_marker: snapshot.learning_status_marker,
    active_runs: runs,
    baseline_manifest_id: baseline?.manifest_id ?? null,
    baseline_seed_package_version: baseline?.seed_package_version ?? null,
    execution_lanes: lanes,
    compile_input: compileInput,
    persisted_compile_input: persisted,
    current_failure_class: snapshot.current_failure_class,
    counters: {
      troubleshoot_attempt_count: snapshot.troubleshoot_attempt_count,
      mechanic_attempt_count: snapshot.mechanic_attempt_count,
      fix_cycle_count: snapshot.fix_cycle_count,
      consultant_invocations: snapshot.consultant_invocations,
    },
    last_terminal_result: snapshot.last_terminal_result,
    last_stage_result_path: snapshot.last_stage_result_path,
    recovery_counter_entries: counters.entries.length,
    closure: await readClosureStatus(paths),
    usage_governance: await governanceView(ledger, snapshot, governance, lock, [...runs, ...lanes.map((l) => ({ work_item_kind: 'task' as const, work_item_id: l.work_item_id }))]),
    invalid_documents: listing.invalid.map((f) => ({
      kind: f.kind,
      state: f.state,
      path: displayPath(paths, f.path),
      problems: f.problems.map(formatProblem),
    })),
    usage,
    usage_error: usageError,
    active_run_activity: activity,
  };
}

type Registryish = RunnerSchemaSource & CompilerRegistry;

type CompileInputIdentity = StatusView['compile_input'];

/** Pure: why the compiled plan is not the one the next run uses, naming the mode that run will compile. */
export function planStaleDetail(currentness: StatusView['compiled_plan_currentness'], expected: CompileInputIdentity, persisted: CompileInputIdentity): string | null {
  if (!expected) return null;
  if (currentness !== 'stale') return null;
  if (persisted && persisted.mode_id !== expected.mode_id) {
    return `the compiled plan is for mode ${persisted.mode_id} but the config selects ${expected.mode_id}; the next run compiles and uses ${expected.mode_id}`;
  }
  return `config, plugins or assets changed since the plan was compiled; the next run recompiles mode ${expected.mode_id}`;
}

const n = (v: unknown) => (v === null || v === undefined ? 'none' : String(v));
export const runHandle = (id: string) => (/^run-[0-9a-f]{12,}$/.test(id) ? id.slice(4, 16) : id);

/** The text block, in the spec's line order. */
export function renderStatusLines(v: StatusView): string[] {
  const lines = [
    `workspace: ${v.workspace}`,
    `runtime_mode: ${v.runtime_mode}`,
    `process_running: ${v.process_running}`,
    `runtime_ownership_lock: ${v.runtime_ownership_lock}`,
    `paused: ${v.paused}`,
    `pause_sources: ${v.pause_sources}`,
    `stop_requested: ${v.stop_requested}`,
    `active_mode_id: ${v.active_mode_id}`,
    `compiled_plan_id: ${v.compiled_plan_id}`,
    `compiled_plan_currentness: ${v.compiled_plan_currentness}`,
    ...(v.plan_stale_detail ? [`plan_stale_detail: ${v.plan_stale_detail}`] : []),
    `active_plane: ${n(v.active_plane)}`,
    `active_stage: ${n(v.active_stage)}`,
    `active_node_id: ${n(v.active_node_id)}`,
    `active_stage_kind_id: ${n(v.active_stage_kind_id)}`,
    `active_work_item_kind: ${n(v.active_work_item_kind)}`,
    `active_work_item_id: ${n(v.active_work_item_id)}`,
    `active_run_count: ${v.active_run_count}`,
    `execution_queue_depth: ${v.execution_queue_depth}`,
    `planning_queue_depth: ${v.planning_queue_depth}`,
    `learning_queue_depth: ${v.learning_queue_depth}`,
    `execution_status_marker: ${v.execution_status_marker}`,
    `planning_status_marker: ${v.planning_status_marker}`,
    `learning_status_marker: ${v.learning_status_marker}`,
    ...v.active_runs.map(
      (r) => `active_run: plane=${r.plane} stage=${r.stage} node=${r.node_id} stage_kind=${r.stage_kind_id} request_kind=${r.request_kind} work_item_kind=${n(r.work_item_kind)} work_item_id=${n(r.work_item_id)} run=${runHandle(r.run_id)}`,
    ),
    `baseline_manifest_id: ${n(v.baseline_manifest_id)}`,
    `baseline_seed_package_version: ${n(v.baseline_seed_package_version)}`,
    ...v.execution_lanes.map((l) => `lane: ${l.lane} stage=${l.stage} node=${l.node_id} work_item_id=${n(l.work_item_id)} status=${l.status_marker.replace(/^### /, '')} run=${runHandle(l.run_id)} branch=${n(l.branch)}`),
  ];
  if (v.compile_input) {
    lines.push(`compile_input.mode_id: ${v.compile_input.mode_id}`, `compile_input.config_fingerprint: ${v.compile_input.config_fingerprint}`, `compile_input.assets_fingerprint: ${v.compile_input.assets_fingerprint}`);
    lines.push(`persisted_compile_input.mode_id: ${n(v.persisted_compile_input?.mode_id)}`, `persisted_compile_input.config_fingerprint: ${n(v.persisted_compile_input?.config_fingerprint)}`, `persisted_compile_input.assets_fingerprint: ${n(v.persisted_compile_input?.assets_fingerprint)}`);
  } else {
    lines.push('compile_input.mode_id: none', 'compile_input.config_fingerprint: none', 'compile_input.assets_fingerprint: none', `compile_plan_currentness_error: ${n(v.compiled_plan_currentness_error)}`);
  }
  lines.push(...governanceLines(v.usage_governance));
  if (v.usage) {
    const t = (label: string, u: UsageTotals | null) => (u ? `${label}: ${formatTokens(u.total_tokens)} tokens, ${formatCost(u)}, ${u.runs} runs` : `${label}: none`);
    lines.push(t('usage_session', v.usage.session), t('usage_today', v.usage.today), t('usage_all_time', v.usage.all_time));
  } else lines.push(`usage_error: ${n(v.usage_error)}`);
  for (const a of v.active_run_activity) {
    const tokens = a.token_usage ? formatTokens(a.token_usage.total_tokens) : 'not reported';
    lines.push(`usage_active_run: run=${runHandle(a.run_id)} stage=${a.plane}/${a.stage}${a.lane === null ? '' : ` lane=${a.lane}`} tokens=${tokens} last_activity_at=${n(a.last_activity_at)} last_activity=${n(a.last_activity?.slice(0, 160))}`);
  }
  lines.push(...closureStatusLines(v.closure));
  lines.push(`invalid_documents: ${v.invalid_documents.length}`);
  for (const doc of v.invalid_documents) lines.push(...doc.problems.map((problem) => `invalid_document: ${problem}`));
  if (v.current_failure_class) {
    lines.push(`current_failure_class: ${v.current_failure_class}`);
    for (const [k, value] of Object.entries(v.counters)) if (value > 0) lines.push(`${k}: ${value}`);
  }
  return lines;
}

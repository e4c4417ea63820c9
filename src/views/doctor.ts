import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { CompilerRegistry, PlanCurrentness, UnavailableRunner } from '../contracts/compiled-plan.js';
import type { MillraceConfig, RunnerSchemaSource } from '../contracts/config.js';
import { STAGE_METADATA, coreSkillPath, entrypointPath } from '../contracts/stage-metadata.js';
import { loadConfig } from '../config/load.js';
import { maximumPermissionWarning } from '../config/permission-warning.js';
import { checkAssetLint, checkBaselineManifest, checkClosureLineageDrift, checkStatusMarkers, type DetectLineageDrift } from './doctor-reference-checks.js';
import { isMillraceError } from '../errors/index.js';
import { readClosureTargets } from '../workspace/arbiter/index.js';
import { requireInitializedWorkspace } from '../workspace/initialized.js';
import type { WorkspacePaths } from '../workspace/paths.js';
import { FULL_SCOPE, listQueue, stateDir } from '../workspace/queue/index.js';
import { inspectLock } from '../workspace/state/lock.js';
import { dependencyProblemsOf } from './queue.js';
import { readSnapshot } from '../workspace/state/snapshot-store.js';
import { checkTaskWorktrees } from './doctor-lanes.js';
import { escapingFolders, inspectStateFiles } from '../workspace/state/state-inspection.js';
import { findOrphanAgentGroups } from '../workspace/state/agent-groups.js';

/** One problem `millrace doctor` found, with the one-line fix. */
export type DoctorFinding = { severity: 'error' | 'warning'; code: string; path: string | null; message: string; remedy: string };

export type DoctorReport = { workspace: string; ok: boolean; errors: number; warnings: number; findings: DoctorFinding[] };

export type DoctorInputs = {
  registry: RunnerSchemaSource & CompilerRegistry;
  /** Plan currentness for the loaded config (the runtime's read-only check, injected by the command). */
  planCurrentness: (paths: WorkspacePaths, config: MillraceConfig) => Promise<PlanCurrentness>;
  /** The runtime's lineage-drift rule, for `closure_lineage_drift`. */
  detectLineageDrift: DetectLineageDrift;
  /** Runners the plan the next run would use binds that cannot run here (their plugins' preflight), injected by the command. */
  unavailableRunners?: (paths: WorkspacePaths, config: MillraceConfig) => Promise<UnavailableRunner[]>;
};

type Add = (f: Omit<DoctorFinding, 'path'> & { path?: string | null }) => void;

const RESTART = '`millrace clear-stale-state` (requeues active work), then start the runtime again';
const FIX = 'run `millrace doctor --fix`: it moves the file to millrace-agents/state/quarantine/ and rebuilds the state from the queue folders (active work is requeued)';

/** State files that cannot be used (wrong type, unreadable, a link out of the workspace, invalid content). */
function checkStateFiles(paths: WorkspacePaths, add: Add): boolean {
  const problems = inspectStateFiles(paths);
  for (const p of problems) add({ severity: 'error', code: 'state_file_invalid', path: p.path, message: p.reason, remedy: FIX });
  return problems.some((p) => p.path === paths.snapshot);
}

/** Queue folders, logs and runs must stay inside the workspace: the runtime refuses a link leading out. */
async function checkFolders(paths: WorkspacePaths, add: Add): Promise<void> {
  for (const p of await escapingFolders(paths)) {
    add({ severity: 'error', code: 'folder_outside_workspace', path: p.path, message: p.reason, remedy: 'replace the link by a real folder inside the workspace (move its files in); the runtime refuses to start until then' });
  }
}

/** Stage agents that outlived the daemon that started them (the next daemon start, or `doctor --fix`, ends them). */
async function checkOrphanAgents(paths: WorkspacePaths, add: Add): Promise<void> {
  for (const o of await findOrphanAgentGroups(paths)) {
    add({
      severity: 'error',
      code: 'orphan_agent_group',
      path: paths.agentProcessGroups,
      message: `agent process group ${o.pid} of run ${o.run_id} (${o.processes} process${o.processes === 1 ? '' : 'es'}) outlived its daemon (pid ${o.owner_pid})`,
      remedy: 'run `millrace doctor --fix` (or start the daemon): it ends the group (SIGTERM, then SIGKILL) after checking each process is the recorded one',
    });
  }
}

async function checkLock(paths: WorkspacePaths, add: Add): Promise<boolean> {
  const lock = await inspectLock(paths);
  const path = paths.lock;
  if (lock.state === 'active') add({ severity: 'warning', code: 'runtime_ownership_lock_active', path, message: lock.detail, remedy: 'a runtime owns this workspace; stop it with `millrace stop` before repairing state by hand' });
  if (lock.state === 'stale') add({ severity: 'error', code: 'runtime_ownership_lock_stale', path, message: lock.detail, remedy: 'run `millrace clear-stale-state` to remove the dead owner\'s lock' });
  if (lock.state === 'invalid') add({ severity: 'error', code: 'runtime_ownership_lock_invalid', path, message: lock.detail, remedy: FIX });
  return lock.state === 'active';
}

async function checkActiveState(paths: WorkspacePaths, live: boolean, snapshotBad: boolean, add: Add): Promise<void> {
  let snapshot;
  try {
    snapshot = await readSnapshot(paths);
  } catch (error) {
    if (!snapshotBad) add({ severity: 'error', code: 'state_file_invalid', path: paths.snapshot, message: (error as Error).message, remedy: FIX });
    return;
  }
  if (live) return;
  for (const run of Object.values(snapshot.active_runs_by_plane)) {
    // A runtime that closed cleanly between stages left its runs to be continued by the next start: not an error.
    if (!run || !snapshot.process_running) continue;
    const item = run.work_item_id ? `${run.work_item_kind} ${run.work_item_id}` : `closure target ${run.closure_target_root_spec_id ?? 'unknown'}`;
    add({ severity: 'error', code: 'stale_active_state', path: paths.snapshot, message: `${run.plane} ${run.stage} is active for ${item} but no runtime owns the workspace`, remedy: `resume it with \`millrace run daemon\`, or ${RESTART}` });
  }
  for (const lane of snapshot.process_running ? (snapshot.execution_lanes ?? []) : []) {
    add({ severity: 'error', code: 'stale_active_state', path: paths.snapshot, message: `lane ${lane.lane} ${lane.run.stage} is active for task ${lane.run.work_item_id} but no runtime owns the workspace`, remedy: `resume it with \`millrace run daemon\`, or ${RESTART}` });
  }
  const laneIds = (snapshot.execution_lanes ?? []).flatMap((l) => (l.run.work_item_id ? [l.run.work_item_id] : []));
  const activeIds = new Set([...Object.values(snapshot.active_runs_by_plane).flatMap((r) => (r?.work_item_id ? [r.work_item_id] : [])), ...laneIds]);
  const { items } = await listQueue(paths, { task: ['active'], spec: ['active'], incident: ['active'] });
  for (const item of items) {
    if (!activeIds.has(item.id)) add({ severity: 'error', code: 'stranded_active_document', path: item.path, message: `${item.kind} ${item.id} is in active/ but no run works on it`, remedy: RESTART });
  }
}

async function checkQueues(paths: WorkspacePaths, add: Add): Promise<void> {
  const listing = await listQueue(paths, FULL_SCOPE, { persistParsed: true });
  for (const bad of listing.invalid) {
    add({ severity: 'error', code: 'queue_artifact_invalid', path: bad.path, message: bad.problems.map((p) => `${p.field}: ${p.message}`).join('; '), remedy: 'fix the named field (the file is never deleted), or move it out of the queue folder' });
  }
  for (const p of dependencyProblemsOf(listing)) {
    const path = p.problem === 'dependency_cycle' ? null : (listing.items.find((i) => i.kind === 'task' && i.id === p.task_id)?.path ?? null);
    const remedy = p.problem === 'missing_dependency' ? 'add the missing task, or remove the id from depends_on' : 'remove the dependency from depends_on; the task waits forever otherwise';
    add({ severity: p.problem === 'missing_dependency' ? 'warning' : 'error', code: p.problem, path, message: p.message, remedy });
  }
  for (const dup of listing.duplicates) {
    add({
      severity: 'error',
      code: 'work_item_in_two_places',
      path: dup.locations[0]?.path ?? null,
      message: `${dup.kind} ${dup.id} exists in ${dup.locations.map((l) => l.state).join(' and ')}`,
      remedy: 'start the runtime (`millrace run once`) to finish the interrupted move, or delete the stale copy by hand',
    });
  }
  for (const kind of ['task', 'spec', 'incident'] as const) {
    for (const state of kind === 'incident' ? (['incoming', 'active'] as const) : (['queue', 'active'] as const)) {
      const dir = stateDir(paths, kind, state);
      for (const name of (await readdir(dir).catch(() => [] as string[])).filter((n) => /\.md\.invalid(\.\d+)?$/.test(n))) {
        add({ severity: 'warning', code: 'queue_artifact_quarantined', path: join(dir, name), message: `${kind} document was quarantined at claim time`, remedy: 'fix it and rename it back to <id>.md, or delete it if it is not wanted' });
      }
    }
  }
}

function checkAssets(paths: WorkspacePaths, add: Add): void {
  for (const m of STAGE_METADATA) {
    for (const rel of [entrypointPath(m), coreSkillPath(m)]) {
      const file = join(paths.runtimeRoot, rel);
      if (!existsSync(file)) add({ severity: 'error', code: 'missing_asset', path: file, message: `${m.stage} needs ${rel}`, remedy: 'run `millrace upgrade` to restore the shipped assets' });
    }
  }
  for (const file of [paths.executionStatus, paths.planningStatus, paths.snapshot, paths.recoveryCounters]) {
    if (!existsSync(file)) add({ severity: 'error', code: 'missing_file', path: file, message: 'required workspace file is missing', remedy: 'run `millrace upgrade` to recreate it' });
  }
}

async function checkPlan(paths: WorkspacePaths, inputs: DoctorInputs, add: Add): Promise<void> {
  let config: MillraceConfig;
  try {
    config = (await loadConfig({ workspaceRoot: paths.workspaceRoot, registry: inputs.registry })).config;
  } catch (error) {
    if (!isMillraceError(error)) throw error;
    add({ severity: 'error', code: 'runtime_config_invalid', path: error.file ?? paths.tomlConfig, message: error.message, remedy: 'fix the config (`millrace config validate` shows every problem)' });
    return;
  }
  const permission = maximumPermissionWarning(config);
  if (permission) add({ severity: 'warning', code: 'codex_permission_maximum', path: paths.tomlConfig, message: permission, remedy: 'set runners.codex.permission_default = "basic" (workspace-write sandbox) in millrace-agents/millrace.toml' });
  await checkTaskWorktrees(paths, config.execution.worktree_retention === 'keep', add);
  for (const runner of (await inputs.unavailableRunners?.(paths, config)) ?? []) {
    add({ severity: 'error', code: 'runner_unavailable', path: paths.tomlConfig, message: `${runner.problem} (stages: ${runner.stages.join(', ')})`, remedy: `${runner.remedy}; \`millrace run\` refuses to start until then` });
  }
  const currentness = await inputs.planCurrentness(paths, config);
  if (currentness === 'stale') add({ severity: 'error', code: 'compiled_plan_stale', path: paths.compiledPlan, message: 'the compiled plan no longer matches the mode, config, plugins or assets', remedy: 'run `millrace compile validate` to recompile (or `millrace reload-config` while a daemon runs)' });
  if (currentness === 'missing') add({ severity: 'warning', code: 'compiled_plan_missing', path: paths.compiledPlan, message: 'no compiled plan yet', remedy: 'run `millrace compile validate`; the runtime also compiles at startup' });
}

function checkPlugins(inputs: DoctorInputs, add: Add): void {
  for (const p of inputs.registry.problems ?? []) {
    add({ severity: 'error', code: 'plugin_contribution_failed', path: null, message: p.message, remedy: 'fix or remove the plugin (`millrace plugins` lists them; `millrace plugins uninstall <name>`)' });
  }
}

async function checkClosure(paths: WorkspacePaths, add: Add): Promise<void> {
  const { targets, problems } = await readClosureTargets(paths);
  for (const p of problems) add({ severity: 'error', code: 'closure_target_state_invalid', path: p.file, message: p.message, remedy: 'fix the target file by hand while no runtime is active' });
  const open = targets.filter((t) => t.closure_open);
  if (open.length > 1) add({ severity: 'error', code: 'closure_target_state_invalid', path: paths.arbiter.targets, message: `more than one open closure target: ${open.map((t) => t.root_spec_id).join(', ')}`, remedy: 'close all but one (set closure_open to false and closed_at) while no runtime is active' });
}

/** Read-only diagnosis of a workspace (control-and-inspection.md §9): never takes the lock, never writes. */
export async function buildDoctorReport(workspace: string, inputs: DoctorInputs): Promise<DoctorReport> {
  const paths = requireInitializedWorkspace(workspace);
  const findings: DoctorFinding[] = [];
  const add: Add = (f) => findings.push({ ...f, path: f.path ? relative(paths.workspaceRoot, f.path) || f.path : null });
  const live = await checkLock(paths, add);
  const snapshotBad = checkStateFiles(paths, add);
  await checkFolders(paths, add);
  await checkActiveState(paths, live, snapshotBad, add);
  await checkOrphanAgents(paths, add);
  await checkQueues(paths, add);
  checkAssets(paths, add);
  await checkPlan(paths, inputs, add);
  checkPlugins(inputs, add);
  await checkClosure(paths, add);
  await checkClosureLineageDrift(paths, inputs.detectLineageDrift, add);
  await checkStatusMarkers(paths, add);
  await checkBaselineManifest(paths, add);
  checkAssetLint(paths, add);
  const key = (f: DoctorFinding) => `${f.path ?? ''}\u0000${f.code}\u0000${f.message}`;
  findings.sort((a, b) => (a.severity === b.severity ? key(a).localeCompare(key(b)) : a.severity === 'error' ? -1 : 1));
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { workspace: paths.workspaceRoot, ok: errors === 0, errors, warnings: findings.length - errors, findings };
}

export function renderDoctorLines(report: DoctorReport): string[] {
  const lines = [`ok: ${report.ok}`, `errors: ${report.errors}`, `warnings: ${report.warnings}`];
  for (const f of report.findings) lines.push(`${f.severity}: ${f.code} ${f.path ?? 'none'} ${f.message}`, `  remedy: ${f.remedy}`);
  return lines;
}

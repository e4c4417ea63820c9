import { compilePlan } from '../compiler/compile-plan.js';
import { judgePlan, referencedFiles } from '../compiler/currentness.js';
import { sameFingerprint } from '../compiler/fingerprint.js';
import type { CompileReport, CompileWorkspaceResult, CompiledPlan, CompilerConfig, CompilerRegistry } from '../contracts/compiled-plan.js';
import { withLocalContributions } from '../compiler/local-contributions.js';
import { loadConfig } from '../config/load.js';
import type { RunnerSchemaSource } from '../contracts/config.js';
import { MillraceError } from '../errors/index.js';
import { readBaselineManifest } from '../workspace/init/baseline-manifest.js';
import { requireInitializedWorkspace } from '../workspace/initialized.js';
import { existsSync } from 'node:fs';
import { workspacePaths, type WorkspacePaths } from '../workspace/paths.js';
import { readCompiledPlan, writeCompileDiagnostics, writeCompiledPlan } from '../workspace/plan-store.js';
import { readLocalContributionFiles } from '../workspace/local-contributions.js';
import { readPlanInputs } from '../workspace/plan-inputs.js';
import { hashRuntimeAssets } from '../workspace/runtime-assets.js';
import { boundRunners, preflightPlanRunners, type RunnerPreflightSource } from './runner-preflight.js';

export type CompileWorkspaceOptions = {
  paths: WorkspacePaths;
  config: CompilerConfig;
  registry: CompilerRegistry;
  /** `--mode`; falls back to `runtime.default_mode`, then `default_codex`. */
  modeId?: string | null;
  /** Persist `compiled_plan.json` (on success) and `compile_diagnostics.json`. */
  write: boolean;
  now?: Date;
};

export type { CompileWorkspaceResult } from '../contracts/compiled-plan.js';

type CurrentnessOptions = Pick<CompileWorkspaceOptions, 'paths' | 'config' | 'registry' | 'modeId'>;

/** Plugin contributions plus the workspace's own `modes/` and `graphs/` files (lowest precedence). */
async function effectiveRegistry(paths: Pick<WorkspacePaths, 'workspaceRoot' | 'modes' | 'graphs'>, registry: CompilerRegistry) {
  const local = await readLocalContributionFiles(paths);
  return withLocalContributions(registry, local.files, local.problems);
}

/**
 * `modes list|show`: plugin modes plus, when `workspaceRoot` holds a runtime root, its workspace-local modes and loops.
 * Never requires or creates a workspace.
 */
export async function modesRegistryAt(workspaceRoot: string, registry: CompilerRegistry): Promise<{ registry: CompilerRegistry; warnings: string[] }> {
  const paths = workspacePaths(workspaceRoot);
  return existsSync(paths.runtimeRoot) ? effectiveRegistry(paths, registry) : { registry, warnings: [] };
}

async function currentnessOf(plan: CompiledPlan | null, options: CurrentnessOptions) {
  const read = await readPlanInputs(options.paths, plan ? referencedFiles(plan) : []);
  return judgePlan(plan, read, { requestedModeId: options.modeId, config: options.config, registry: options.registry });
}

/**
 * The one compile use-case: compile from the workspace's current inputs; persist a changed plan (an unchanged one is
 * left untouched, so `compiled_at` does not churn); on failure keep the last known good plan and say so.
 */
export async function compileWorkspace(options: CompileWorkspaceOptions): Promise<CompileWorkspaceResult> {
  const { paths, write } = options;
  const lastKnownGood = (await readCompiledPlan(paths)).value;
  const assetHashes = hashRuntimeAssets(paths.runtimeRoot);
  const now = (options.now ?? new Date()).toISOString();
  const { registry, warnings } = await effectiveRegistry(paths, options.registry);
  const result = compilePlan({ requestedModeId: options.modeId, config: options.config, registry, assetHashes, now });
  result.diagnostics.warnings.unshift(...warnings);

  if (result.ok) {
    const unchanged = lastKnownGood !== null && lastKnownGood.compiled_plan_id === result.plan.compiled_plan_id && sameFingerprint(lastKnownGood.compile_input_fingerprint, result.plan.compile_input_fingerprint);
    const plan = unchanged ? lastKnownGood : result.plan;
    if (write) {
      if (!unchanged) await writeCompiledPlan(paths, plan);
      await writeCompileDiagnostics(paths, result.diagnostics);
    }
    return { status: unchanged ? 'current' : 'compiled', plan, diagnostics: result.diagnostics, keptLastKnownGood: false, currentness: 'current', expectedFingerprint: result.plan.compile_input_fingerprint };
  }

  if (write) await writeCompileDiagnostics(paths, result.diagnostics);
  const { expected, currentness } = await currentnessOf(lastKnownGood, options);
  return { status: 'failed', plan: lastKnownGood, diagnostics: result.diagnostics, keptLastKnownGood: lastKnownGood !== null, currentness, expectedFingerprint: expected };
}

export type RunnablePlan = { plan: CompiledPlan; status: 'current' | 'compiled'; warnings: string[] };

/**
 * Runtime startup: reuse the persisted plan when it is current (nothing written), otherwise compile and persist.
 * Never runs on a stale plan: when the inputs no longer compile it refuses with PLAN_STALE (or COMPILE_FAILED without a plan).
 */
export async function requireRunnablePlan(options: Omit<CompileWorkspaceOptions, 'write'>): Promise<RunnablePlan> {
  const stored = await readCompiledPlan(options.paths, { once: true });
  if (stored.value) {
    const { currentness } = await currentnessOf(stored.value, options);
    if (currentness === 'current') return { plan: stored.value, status: 'current', warnings: [] };
  }
  const outcome = await compileWorkspace({ ...options, write: true });
  if (outcome.status !== 'failed' && outcome.plan) return { plan: outcome.plan, status: outcome.status, warnings: outcome.diagnostics.warnings };
  const errors = outcome.diagnostics.errors.join(', ') || 'compile failed';
  const hint = 'fix the errors (see `millrace compile validate`), then start again';
  if (stored.value) {
    throw new MillraceError('PLAN_STALE', `compiled plan ${stored.value.compiled_plan_id} is stale and its inputs no longer compile: ${errors}`, { file: options.paths.compileDiagnostics, hint });
  }
  throw new MillraceError('COMPILE_FAILED', `no compiled plan: ${errors}`, { file: options.paths.compileDiagnostics, hint });
}

export type { BaselineInfo } from '../contracts/compiled-plan.js';

export type CompileAtResult = CompileReport & { paths: WorkspacePaths };

/**
 * A registry read from the contributions manifest (no plugin module loaded): `incomplete` when a runner config section
 * was asked for that it has no result for (then `collect` gives the registry of every plugin's hook), and
 * `liveRunners` for the bound runners' preflight (their plugins' hooks run).
 */
export type ListedRegistry = {
  incomplete(): boolean;
  collect(): Promise<CompilerRegistry & RunnerSchemaSource & RunnerPreflightSource>;
  liveRunners(runnerIds: readonly string[]): Promise<RunnerPreflightSource['runners']>;
};

/**
 * `compile validate|show`: require an initialized workspace, load its config (runner sections validated by their
 * plugins), compile explicitly and persist plan and diagnostics.
 */
export async function compileWorkspaceAt(options: { workspaceRoot: string; registry: CompilerRegistry & RunnerSchemaSource & RunnerPreflightSource; modeId?: string | null; now?: Date; listed?: ListedRegistry }): Promise<CompileAtResult> {
  const paths = requireInitializedWorkspace(options.workspaceRoot);
  let registry = options.registry;
  let loaded = await loadConfig({ workspaceRoot: paths.workspaceRoot, registry });
  // A runner config section the manifest has no result for: every plugin's hook, and the config read again, before
  // anything is compiled or written.
  const listed = options.listed && !options.listed.incomplete() ? options.listed : undefined;
  if (options.listed && !listed) {
    registry = await options.listed.collect();
    loaded = await loadConfig({ workspaceRoot: paths.workspaceRoot, registry });
  }
  const outcome = await compileWorkspace({ paths, config: loaded.config as CompilerConfig, registry, modeId: options.modeId, write: true, now: options.now });
  const baseline = await readBaselineManifest(paths.baselineManifest, paths.baselineManifest, paths.workspaceRoot).then(
    (m) => ({ manifest_id: m.manifest_id, seed_package_version: m.seed_package_version }),
    () => null,
  );
  const plan = outcome.status !== 'failed' ? outcome.plan : null;
  const preflightSource: RunnerPreflightSource = plan && listed ? { runners: await listed.liveRunners([...boundRunners(plan).keys()]) } : registry;
  const unavailableRunners = plan
    ? await preflightPlanRunners({ plan, registry: preflightSource, runners: loaded.config.runners, workspaceRoot: paths.workspaceRoot, runtimeRoot: paths.runtimeRoot })
    : [];
  return { ...outcome, paths, baseline, configWarnings: loaded.warnings, unavailableRunners };
}

/**
 * `doctor`: the runners the plan the next run would use binds (compiled in memory, nothing written) that cannot run
 * here. Empty when the inputs do not compile (doctor reports that separately).
 */
export async function unavailableRunnersAt(options: { paths: WorkspacePaths; config: CompilerConfig & { runners: Record<string, unknown> }; registry: CompilerRegistry & RunnerPreflightSource; modeId?: string | null }) {
  const outcome = await compileWorkspace({ paths: options.paths, config: options.config, registry: options.registry, modeId: options.modeId, write: false });
  if (outcome.status === 'failed' || !outcome.plan) return [];
  return preflightPlanRunners({ plan: outcome.plan, registry: options.registry, runners: options.config.runners, workspaceRoot: options.paths.workspaceRoot, runtimeRoot: options.paths.runtimeRoot });
}

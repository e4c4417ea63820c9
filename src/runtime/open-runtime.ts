import type { Registry } from '../registry/registry.js';
import { loadConfig } from '../config/load.js';
import { requireInitializedWorkspace } from '../workspace/initialized.js';
import { createAgentGroupStore } from '../workspace/state/agent-groups.js';
import { MillraceError } from '../errors/index.js';
import { requireRunnablePlan } from './compile-workspace.js';
import type { CompiledPlan } from '../contracts/compiled-plan.js';
import { DEFAULT_STALL_TIMEOUT_SECONDS } from '../contracts/config.js';
import { createRegistryDispatch, resolveStallTimeout, type RunnerConfigSource } from './dispatch.js';
import { RuntimeEngine } from './engine.js';
import type { MonitorSink } from './monitor.js';
import { createQueueAdapter } from './queue-adapter.js';
import { boundRunners, preflightPlanRunners, runnerUnavailableError } from './runner-preflight.js';
import type { TickSteps } from './tick-steps.js';
import type { ListOptions } from '../workspace/queue/index.js';
import { createRuntimeSteps } from './planning/runtime-steps.js';

export type OpenRuntimeOptions = {
  workspace: string;
  registry: Registry;
  modeOverride?: string | null;
  monitor?: MonitorSink;
  steps?: TickSteps;
  /** How a claim reads the queue (`createQueueAdapter`). */
  claimListing?: ListOptions;
  /** Watch the ideas inbox after the first tick's read (default true); a one-tick runtime only reads it. */
  watchIdeas?: boolean;
  /**
   * Set when `registry` was read from the contributions manifest (`run once`): its runners cannot run, so the runners
   * the plan and config can dispatch to are made live (only their plugins' hooks run) once the plan is known.
   */
  listed?: ListedRuntimeRegistry;
};

/** A registry read from the contributions manifest (BaseCommand.planRegistry), as the runtime uses it. */
export type ListedRuntimeRegistry = {
  /** Whether a runner config section was asked for that the manifest has no result for. */
  incomplete(): boolean;
  /** Every plugin's hook (once): the registry as collected. */
  collect(): Promise<Registry>;
  /** The runners `runnerIds` as their plugins contribute them now (only those plugins' hooks run). */
  liveRunners(runnerIds: readonly string[]): Promise<Registry['runners']>;
};

/**
 * Pure: every runner a stage of `plan` can be dispatched to: the plan's bound runners (a node without one runs on
 * codex_cli, as preflight counts it), the configured default runner (what the request falls back to) and the
 * per-stage runners of the config.
 */
export function dispatchableRunners(plan: CompiledPlan, configured: readonly string[]): string[] {
  return [...new Set([...boundRunners(plan).keys(), ...configured])].sort();
}

export type OpenedRuntime = { engine: RuntimeEngine; warnings: string[] };

/** Wire an engine for a workspace: config, runner dispatch through the registry, queue, plan loading after the lock. */
export async function openRuntime(options: OpenRuntimeOptions): Promise<OpenedRuntime> {
  const paths = requireInitializedWorkspace(options.workspace);
  let registry = options.registry;
  let loaded = await loadConfig({ workspaceRoot: paths.workspaceRoot, registry });
  let listed = options.listed;
  if (listed?.incomplete()) {
    // A runner config section the manifest has no result for: every plugin's hook, and the config read again.
    registry = await listed.collect();
    loaded = await loadConfig({ workspaceRoot: paths.workspaceRoot, registry });
    listed = undefined;
  }
  const config = loaded.config;
  const configuredRunners = [config.runners.default_runner, ...Object.values(config.stages ?? {}).map((s) => s?.runner)].filter((r): r is string => typeof r === 'string' && r.trim() !== '');
  const configured = configuredRunners.filter((r) => !registry.runners.has(r));
  if (configured.length > 0) {
    throw new MillraceError('RUNNER_UNKNOWN', `Unknown configured stage runner(s): ${[...new Set(configured)].sort().join(', ')}`, { hint: 'install the runner plugin or fix runners.default_runner / stages.<stage>.runner' });
  }
  // Listed runners are replaced by live ones in this map (dispatch and preflight look runners up in it).
  const runners = listed ? new Map(registry.runners) : registry.runners;
  if (listed) registry = { ...registry, runners };
  const fromManifest = listed;
  /** A config reload reads the config again: with every plugin's hook, as before, and every runner live from then on. */
  const reloadRegistry = fromManifest
    ? async () => {
        const collected = await fromManifest.collect();
        for (const [id, runner] of collected.runners) runners.set(id, runner);
        return collected;
      }
    : undefined;
  let configVersion = 'unknown';
  const queue = createQueueAdapter(paths, options.claimListing);
  const agentGroups = createAgentGroupStore(paths, () => new Date());
  const steps = options.steps ?? createRuntimeSteps({ queue, registry, reloadRegistry, modeOverride: options.modeOverride ?? null, watchIdeas: options.watchIdeas }).steps;
  const engine: RuntimeEngine = new RuntimeEngine({
    paths,
    config: config as unknown as ConstructorParameters<typeof RuntimeEngine>[0]['config'],
    get configVersion() {
      return configVersion;
    },
    loadPlan: async () => {
      const runnable = await requireRunnablePlan({ paths, config, registry, modeId: options.modeOverride ?? null });
      if (fromManifest) for (const [id, live] of await fromManifest.liveRunners(dispatchableRunners(runnable.plan, configuredRunners))) runners.set(id, live);
      // Refuse to start rather than send the first item to the troubleshooter for a runner that cannot run here.
      const unavailable = await preflightPlanRunners({ plan: runnable.plan, registry, runners: config.runners, workspaceRoot: paths.workspaceRoot, runtimeRoot: paths.runtimeRoot });
      if (unavailable.length > 0) throw runnerUnavailableError(unavailable);
      configVersion = runnable.plan.compile_input_fingerprint.config_fingerprint;
      return runnable.plan;
    },
    // Read per stage, so runner sections changed by a daemon's reload apply to the next stage.
    dispatch: createRegistryDispatch(registry, (): RunnerConfigSource => ({ runners: engine.currentConfig.runners }), {
      workspaceRoot: paths.workspaceRoot,
      runtimeRoot: paths.runtimeRoot,
      now: () => new Date(),
      agentGroups,
      stallTimeoutSeconds: (request, section) => resolveStallTimeout(engine.currentConfig, request, section, DEFAULT_STALL_TIMEOUT_SECONDS),
    }),
    agentGroups,
    queue,
    steps,
    monitor: options.monitor,
  });
  return { engine, warnings: loaded.warnings };
}

import type { Registry } from '../registry/registry.js';
import { loadConfig } from '../config/load.js';
import { requireInitializedWorkspace } from '../workspace/initialized.js';
import { createAgentGroupStore } from '../workspace/state/agent-groups.js';
import { MillraceError } from '../errors/index.js';
import { requireRunnablePlan } from './compile-workspace.js';
import { DEFAULT_STALL_TIMEOUT_SECONDS } from '../contracts/config.js';
import { createRegistryDispatch, resolveStallTimeout, type RunnerConfigSource } from './dispatch.js';
import { RuntimeEngine } from './engine.js';
import type { MonitorSink } from './monitor.js';
import { createQueueAdapter } from './queue-adapter.js';
import { preflightPlanRunners, runnerUnavailableError } from './runner-preflight.js';
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
};

export type OpenedRuntime = { engine: RuntimeEngine; warnings: string[] };

/** Wire an engine for a workspace: config, runner dispatch through the registry, queue, plan loading after the lock. */
export async function openRuntime(options: OpenRuntimeOptions): Promise<OpenedRuntime> {
  const paths = requireInitializedWorkspace(options.workspace);
  const { registry } = options;
  const loaded = await loadConfig({ workspaceRoot: paths.workspaceRoot, registry });
  const config = loaded.config;
  const configured = [config.runners.default_runner, ...Object.values(config.stages ?? {}).map((s) => s?.runner)]
    .filter((r): r is string => typeof r === 'string' && r.trim() !== '')
    .filter((r) => !registry.runners.has(r));
  if (configured.length > 0) {
    throw new MillraceError('RUNNER_UNKNOWN', `Unknown configured stage runner(s): ${[...new Set(configured)].sort().join(', ')}`, { hint: 'install the runner plugin or fix runners.default_runner / stages.<stage>.runner' });
  }
  let configVersion = 'unknown';
  const queue = createQueueAdapter(paths, options.claimListing);
  const agentGroups = createAgentGroupStore(paths, () => new Date());
  const steps = options.steps ?? createRuntimeSteps({ queue, registry, modeOverride: options.modeOverride ?? null, watchIdeas: options.watchIdeas }).steps;
  const engine: RuntimeEngine = new RuntimeEngine({
    paths,
    config: config as unknown as ConstructorParameters<typeof RuntimeEngine>[0]['config'],
    get configVersion() {
      return configVersion;
    },
    loadPlan: async () => {
      const runnable = await requireRunnablePlan({ paths, config, registry, modeId: options.modeOverride ?? null });
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

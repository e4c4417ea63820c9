import { HOST_VIEWS_API_VERSION, type HostControlAction, type HostViews } from '@millrace/plugin-api';
import type { Config } from '@oclif/core';
import { DEFAULT_REASONS, type ControlRequest } from '../runtime/control/control-result.js';
import { isMillraceError } from '../errors/index.js';
import type { Registry } from '../registry/registry.js';
import { requireInitializedWorkspace } from '../workspace/initialized.js';
import { queueParseCachePath } from '../workspace/queue/persisted-parse-cache.js';
import { readCompiledPlan } from '../workspace/plan-store.js';
import { readRuntimeEvents } from '../workspace/state/events-log.js';
import { listRunFiles, readRunFileTail } from '../workspace/state/run-dirs.js';
import { resolveRunRefOrNull } from '../views/run-ref.js';

export { HOST_VIEWS_API_VERSION };

const notFoundAsNull = async <T>(read: () => Promise<T>): Promise<T | null> => {
  try {
    return await read();
  } catch (error) {
    if (isMillraceError(error) && error.code === 'NOT_FOUND') return null;
    throw error;
  }
};

function controlRequest(action: HostControlAction): ControlRequest {
  return action === 'retry_active' ? { action, reason: DEFAULT_REASONS.retry_active } : { action };
}

/**
 * The host's read models for plugins (package export `millrace/views`, see docs/plugins.md): the same view
 * functions the `--json` commands use, bound to the plugin registry of the running command. Modules load on first use.
 */
export function createHostViews(oclifConfig: object): HostViews {
  let registry: Promise<Registry> | undefined;
  const contributions = () => (registry ??= import('../registry/collect.js').then((m) => m.collectContributions(oclifConfig as Config)));
  return {
    apiVersion: HOST_VIEWS_API_VERSION,
    async status(workspace) {
      const { buildStatusView } = await import('../views/status.js');
      return buildStatusView(workspace, contributions(), { longLived: true });
    },
    async queueBoard(workspace, limitPerFolder) {
      const { buildQueueBoard } = await import('../views/queue.js');
      return buildQueueBoard(requireInitializedWorkspace(workspace), limitPerFolder);
    },
    async queueItem(workspace, id) {
      const { buildQueueItemView } = await import('../views/queue.js');
      const paths = requireInitializedWorkspace(workspace);
      return notFoundAsNull(() => buildQueueItemView(paths, id));
    },
    async runs(workspace, limit) {
      const { listRuns } = await import('../views/runs.js');
      const { runs, matched } = await listRuns(workspace, { item: null, stage: null, since: null, limit });
      return { runs, matched };
    },
    async itemHistory(workspace, id) {
      const { readItemHistory } = await import('../views/item-history.js');
      return readItemHistory(requireInitializedWorkspace(workspace), id);
    },
    // Run references go through the CLI's resolver: a full id, a unique prefix or `latest`; anything else is null.
    async run(workspace, runRef) {
      const { inspectRun } = await import('../views/runs.js');
      const paths = requireInitializedWorkspace(workspace);
      const runId = await resolveRunRefOrNull(paths, runRef);
      return runId === null ? null : inspectRun(paths, runId);
    },
    async runArtifacts(workspace, runRef) {
      const paths = requireInitializedWorkspace(workspace);
      const runId = await resolveRunRefOrNull(paths, runRef);
      return runId === null ? null : listRunFiles(paths, runId);
    },
    async readRunArtifact(workspace, runRef, name, maxBytes) {
      const paths = requireInitializedWorkspace(workspace);
      const runId = await resolveRunRefOrNull(paths, runRef);
      if (runId === null) return null;
      const files = await listRunFiles(paths, runId);
      if (files === null || !files.includes(name)) return null;
      return readRunFileTail(paths, runId, name, maxBytes).catch(() => null);
    },
    async events(workspace, limit) {
      const events = await readRuntimeEvents(requireInitializedWorkspace(workspace));
      return events.slice(-limit);
    },
    async plan(workspace) {
      const { buildPlanGraphView } = await import('../views/plan-graph.js');
      const stored = await readCompiledPlan(requireInitializedWorkspace(workspace));
      return stored.value ? buildPlanGraphView(stored.value) : null;
    },
    async usage(workspace) {
      const { loadUsageOverview } = await import('../views/usage.js');
      return loadUsageOverview(workspace);
    },
    async doctor(workspace) {
      const { buildDoctorReport } = await import('../views/doctor.js');
      const { planCurrentness } = await import('../views/plan-currentness.js');
      const { detectLineageDrift } = await import('../runtime/decide/closure.js');
      const { unavailableRunnersAt } = await import('../runtime/compile-workspace.js');
      const reg = await contributions();
      return buildDoctorReport(workspace, { registry: reg, planCurrentness: (paths, config) => planCurrentness({ paths, config, registry: reg }), detectLineageDrift, unavailableRunners: (paths, config) => unavailableRunnersAt({ paths, config, registry: reg }) });
    },
    async control(workspace, action) {
      const { runControl } = await import('../runtime/control/run-control.js');
      return runControl(workspace, controlRequest(action));
    },
    watchTargets(workspace) {
      const paths = requireInitializedWorkspace(workspace);
      return {
        workspaceRoot: paths.workspaceRoot,
        paths: {
          state: [paths.state],
          queue: [...Object.values(paths.tasks), ...Object.values(paths.specs), ...Object.values(paths.incidents)],
          runs: [paths.runs],
          events: [paths.logs, paths.eventsLog],
        },
        ignoredFiles: [queueParseCachePath(paths)],
      };
    },
  };
}

import type { RetentionReport } from '../contracts/retention.js';
import { loadConfig } from '../config/load.js';
import type { Registry } from '../registry/registry.js';
import { requireInitializedWorkspace } from '../workspace/initialized.js';
import { inspectLock } from '../workspace/state/lock.js';
import { applyRetention } from './retention.js';

/**
 * `runs prune`: one retention pass with the workspace's `[retention]` config. Runs are pruned whether or not a
 * daemon runs (its running stages are protected through the snapshot and the agent records); the events log is
 * rotated only when no live daemon owns the workspace, so two processes never rotate it at once.
 */
export async function pruneRuns(workspace: string, options: { dryRun: boolean; registry?: Registry; now?: Date }): Promise<RetentionReport> {
  const paths = requireInitializedWorkspace(workspace);
  const { config } = await loadConfig({ workspaceRoot: paths.workspaceRoot, registry: options.registry });
  const lock = await inspectLock(paths);
  const rotateEvents = lock.state === 'active' ? ({ rotate: false, reason: 'a running daemon rotates its own events log' } as const) : ({ rotate: true } as const);
  return applyRetention(paths, config.retention, { dryRun: options.dryRun, now: options.now ?? new Date(), rotateEvents, source: 'runs_prune' });
}

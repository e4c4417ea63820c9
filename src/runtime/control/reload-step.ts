import type { Registry } from '../../registry/registry.js';
import type { TickStepContext } from '../tick-steps.js';
import { withPlanIdentity } from '../decide/snapshot-ops.js';
import { recompileForReload } from './reload-config.js';

/**
 * Daemon-side reload (control-and-inspection.md §2.6 steps 2-5): recompile; on success later ticks run the new plan;
 * a plan that no longer compiles is refused and the last known good plan keeps running. With no usable plan at all
 * the runtime stops.
 */
export function createReloadHandler(registry: () => Promise<Registry>, modeOverride: string | null) {
  return async (ctx: TickStepContext): Promise<Record<string, unknown>> => {
    const outcome = await recompileForReload(ctx.paths, await registry(), modeOverride);
    if (!outcome.ok) {
      const retained = outcome.retainedPlanId !== null;
      ctx.state.snapshot = {
        ...ctx.state.snapshot,
        last_reload_outcome: 'failed_retained_previous_plan',
        last_reload_error: outcome.error,
        ...(retained ? {} : { stop_requested: true }),
      };
      await ctx.saveSnapshot();
      await ctx.appendEvent('runtime_config_reload_failed', { error: outcome.error, retained_previous_plan: retained, ...(retained ? { compiled_plan_id: ctx.plan.compiled_plan_id } : {}) });
      throw new Error(`reload refused: ${outcome.error}`);
    }
    const plan = outcome.result.plan;
    if (!ctx.replacePlan) throw new Error('this runtime cannot swap its plan');
    ctx.replacePlan(plan);
    ctx.replaceConfig?.(outcome.config);
    ctx.state.snapshot = {
      ...withPlanIdentity(ctx.state.snapshot, plan),
      runtime_mode: outcome.config.runtime.run_style,
      watcher_mode: outcome.config.watchers.enabled ? 'poll' : 'off',
      config_version: plan.compile_input_fingerprint.config_fingerprint,
      last_reload_outcome: 'applied',
      last_reload_error: null,
    };
    await ctx.refreshQueueDepths();
    await ctx.saveSnapshot();
    await ctx.appendEvent('runtime_config_reloaded', { mode_id: plan.mode_id, compiled_plan_id: plan.compiled_plan_id });
    return { applied: true, compiled_plan_id: plan.compiled_plan_id, status: outcome.result.status };
  };
}

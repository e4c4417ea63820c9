import { loadConfig } from '../../config/load.js';
import { isMillraceError } from '../../errors/index.js';
import type { Registry } from '../../registry/registry.js';
import type { WorkspacePaths } from '../../workspace/paths.js';
import { readCompiledPlan } from '../../workspace/plan-store.js';
import { compileWorkspace, type CompileWorkspaceResult } from '../compile-workspace.js';
import type { CompiledPlan } from '../../contracts/compiled-plan.js';
import type { ControlResult } from './control-result.js';

export type ReloadOutcome =
  | { ok: true; result: CompileWorkspaceResult & { plan: CompiledPlan }; config: Awaited<ReturnType<typeof loadConfig>>['config'] }
  | { ok: false; error: string; retainedPlanId: string | null };

/**
 * Load the config again and recompile. A config or plan that no longer compiles is refused: the last known good
 * plan stays on disk and in use.
 */
export async function recompileForReload(paths: WorkspacePaths, registry: Registry, modeOverride: string | null): Promise<ReloadOutcome> {
  const retained = (await readCompiledPlan(paths)).value?.compiled_plan_id ?? null;
  let loaded;
  try {
    loaded = await loadConfig({ workspaceRoot: paths.workspaceRoot, registry });
  } catch (error) {
    if (!isMillraceError(error)) throw error;
    return { ok: false, error: error.message, retainedPlanId: retained };
  }
  const result = await compileWorkspace({ paths, config: loaded.config, registry, modeId: modeOverride, write: true });
  if (result.status === 'failed' || result.plan === null) {
    return { ok: false, error: result.diagnostics.errors.join(', ') || 'compile failed', retainedPlanId: result.plan?.compiled_plan_id ?? retained };
  }
  return { ok: true, result: { ...result, plan: result.plan }, config: loaded.config };
}

/** reload-config with no daemon: recompile now so the next start (and `status`) sees the result. */
export async function reloadConfigDirect(paths: WorkspacePaths, registry: Registry): Promise<ControlResult> {
  const outcome = await recompileForReload(paths, registry, null);
  if (!outcome.ok) {
    return { action: 'reload_config', mode: 'direct', applied: false, detail: `reload refused: ${outcome.error}; kept last known good plan ${outcome.retainedPlanId ?? 'none'}` };
  }
  const { status, plan } = outcome.result;
  return { action: 'reload_config', mode: 'direct', applied: status === 'compiled', detail: status === 'compiled' ? `config reloaded; compiled plan ${plan.compiled_plan_id}` : `config unchanged; compiled plan ${plan.compiled_plan_id} is current` };
}

import { loadConfig } from '../config/load.js';
import type { CompilerConfig, CompilerRegistry, UnavailableRunner } from '../contracts/compiled-plan.js';
import type { RunnerSchemaSource } from '../contracts/config.js';
import { MillraceError } from '../errors/index.js';
import { requireInitializedWorkspace } from '../workspace/initialized.js';
import { compileWorkspace } from './compile-workspace.js';
import { preflightPlanRunners, type RunnerPreflightSource } from './runner-preflight.js';

/** `millrace config validate --json` result. */
export type ConfigValidation = {
  workspace: string;
  valid: true;
  /** Config files read, lowest precedence first. */
  sources: string[];
  compile: { status: 'current' | 'compiled'; mode_id: string; compiled_plan_id: string | null; warnings: string[] };
  /** Runners the plan binds that cannot run here (`run once`/`run daemon` refuse to start until fixed). */
  unavailable_runners: UnavailableRunner[];
  warnings: string[];
};

/**
 * Validate the effective config (runner sections with their plugins' schemas), then compile it explicitly,
 * persisting the plan and diagnostics like `compile validate` (config.md §5). A failed compile throws COMPILE_FAILED.
 */
export async function validateWorkspaceConfig(options: { workspaceRoot: string; registry: RunnerSchemaSource & CompilerRegistry & RunnerPreflightSource; modeId?: string | null }): Promise<ConfigValidation> {
  const paths = requireInitializedWorkspace(options.workspaceRoot);
  const loaded = await loadConfig({ workspaceRoot: paths.workspaceRoot, registry: options.registry });
  const outcome = await compileWorkspace({ paths, config: loaded.config as CompilerConfig, registry: options.registry, modeId: options.modeId, write: true });
  if (outcome.status === 'failed') {
    const [first, ...rest] = outcome.diagnostics.errors;
    const more = rest.length > 0 ? ` (and ${rest.length} more)` : '';
    throw new MillraceError('COMPILE_FAILED', `config is valid but does not compile (mode ${outcome.diagnostics.mode_id}): ${first ?? 'compile failed'}${more}`, {
      file: 'millrace-agents/state/compile_diagnostics.json',
      hint: 'see `millrace compile validate` for the full diagnostics',
    });
  }
  const unavailable = outcome.plan ? await preflightPlanRunners({ plan: outcome.plan, registry: options.registry, runners: loaded.config.runners, workspaceRoot: paths.workspaceRoot, runtimeRoot: paths.runtimeRoot }) : [];
  return {
    workspace: paths.workspaceRoot,
    valid: true,
    sources: loaded.sources.map((s) => s.path),
    compile: { status: outcome.status, mode_id: outcome.diagnostics.mode_id, compiled_plan_id: outcome.plan?.compiled_plan_id ?? null, warnings: outcome.diagnostics.warnings },
    unavailable_runners: unavailable,
    warnings: loaded.warnings,
  };
}

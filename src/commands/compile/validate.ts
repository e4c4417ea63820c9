import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { CompileValidateView } from '../../views/compile.js';

export type CompileValidateResult = CompileValidateView;

export default class CompileValidate extends BaseCommand {
  static override summary = 'Compile the workspace plan and report diagnostics.';
  static override description =
    'Freezes the selected mode, its loops, stage kinds, entrypoints, skills and per-stage runner/model/timeout into millrace-agents/state/compiled_plan.json, and writes compile_diagnostics.json. An unchanged plan is left untouched; on failure the last known good plan is kept. Exits 1 when the plan does not compile.';
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> compile validate', '<%= config.bin %> compile validate --mode default_pi --json'];
  static override flags = {
    mode: Flags.string({ summary: 'Compile this mode (or alias) instead of runtime.default_mode.' }),
  };

  async run(): Promise<CompileValidateResult> {
    const { flags } = await this.parse(CompileValidate);
    const { compileWorkspaceAt } = await import('../../runtime/compile-workspace.js');
    const { buildCompileValidateView, renderCompileValidateLines } = await import('../../views/compile.js');
    const { openContributionsManifest } = await import('../../workspace/contributions-manifest.js');
    // Modes, loops and stage kinds from the contributions manifest; only the bound runners' plugins load (their
    // preflight checks this machine). docs/development.md: the contributions manifest.
    const contributions = await this.planRegistry(openContributionsManifest);
    const compiled = buildCompileValidateView(await compileWorkspaceAt({ workspaceRoot: flags.workspace, registry: contributions.registry, modeId: flags.mode, listed: contributions }));
    await contributions.save();
    // Entrypoint/skill lint: reported with the compile diagnostics; only a missing stage file fails the command, never the plan.
    const { lintWorkspaceAssets, withAssetLint, assetLintFailedError, isWorkspaceLintError } = await import('../../views/asset-lint.js');
    const { workspacePaths } = await import('../../workspace/paths.js');
    const paths = workspacePaths(flags.workspace);
    const lint = lintWorkspaceAssets(paths);
    const view = withAssetLint(compiled, lint);
    if (!this.jsonEnabled()) for (const line of renderCompileValidateLines(view)) this.log(line);
    if (!compiled.ok) {
      const { compileFailedError } = await import('../../cli/compile-failure.js');
      throw compileFailedError(view);
    }
    if (!view.ok) throw assetLintFailedError(lint.filter(isWorkspaceLintError), paths.runtimeRoot);
    for (const warning of view.warnings) this.warnings.push(warning);
    return view;
  }
}

import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { CompileShowView } from '../../views/compile.js';

export type CompileShowResult = CompileShowView;

export default class CompileShow extends BaseCommand {
  static override summary = 'Compile the workspace plan and show it: entries, completion behaviour, every frozen stage binding.';
  static override description =
    'Same compile as `compile validate`, then prints the active plan (new, unchanged, or last known good) with its currentness. With --graph, prints only a picture of the loops (Mermaid flowchart or Graphviz dot) for piping into a renderer.';
  static override enableJsonFlag = true;
  static override examples = [
    '<%= config.bin %> compile show',
    '<%= config.bin %> compile show --mode default_pi --json',
    '<%= config.bin %> compile show --graph mermaid > plan.mmd',
    '<%= config.bin %> compile show --graph dot | dot -Tsvg > plan.svg',
  ];
  static override flags = {
    mode: Flags.string({ summary: 'Compile this mode (or alias) instead of runtime.default_mode.' }),
    graph: Flags.option({ options: ['mermaid', 'dot', 'text'] as const, summary: 'Print the loops as a graph in this format instead of the plan listing.' })(),
  };

  async run(): Promise<CompileShowResult> {
    const { flags } = await this.parse(CompileShow);
    const { compileWorkspaceAt } = await import('../../runtime/compile-workspace.js');
    const { buildCompileShowView, renderCompileShowLines } = await import('../../views/compile.js');
    const view = buildCompileShowView(await compileWorkspaceAt({ workspaceRoot: flags.workspace, registry: await this.registry(), modeId: flags.mode }), flags.graph);
    if (!this.jsonEnabled()) {
      if (view.graph) this.writeText(view.graph.text);
      else for (const line of renderCompileShowLines(view)) this.log(line);
    }
    if (!view.ok) {
      const { compileFailedError } = await import('../../cli/compile-failure.js');
      throw compileFailedError(view);
    }
    for (const warning of view.warnings) this.warnings.push(warning);
    return view;
  }
}

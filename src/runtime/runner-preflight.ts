import type { RunnerContribution } from '@millrace/plugin-api';
import { parseRunnerSection } from '../config/runner-sections.js';
import { MillraceError } from '../errors/index.js';
import { planNodes } from '../compiler/plan-queries.js';
import type { CompiledPlan, UnavailableRunner } from '../contracts/compiled-plan.js';

/** A runner the compiled plan binds that cannot run here (its preflight said so, or its config section is unusable). */
export type RunnerAvailabilityProblem = UnavailableRunner;

export type RunnerPreflightSource = {
  runners: ReadonlyMap<string, { item: Pick<RunnerContribution, 'id' | 'configSection' | 'configSchema' | 'preflight'>; plugin: { name: string } }>;
};

/** The runner ids the plan binds, each with its stages (a node without a runner runs on codex_cli, as dispatch does). */
export function boundRunners(plan: CompiledPlan): Map<string, string[]> {
  const byRunner = new Map<string, string[]>();
  for (const node of planNodes(plan)) {
    const runner = node.runner_name ?? 'codex_cli';
    const stages = byRunner.get(runner) ?? [];
    if (!stages.includes(node.stage)) stages.push(node.stage);
    byRunner.set(runner, stages);
  }
  return byRunner;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Ask every runner the compiled plan binds whether it can run here (`RunnerContribution.preflight`), with the config
 * section its adapter would receive. Runners without a preflight are trusted; a preflight that throws is a problem.
 */
export async function preflightPlanRunners(input: { plan: CompiledPlan; registry: RunnerPreflightSource; runners: Readonly<Record<string, unknown>>; workspaceRoot: string; runtimeRoot: string }): Promise<RunnerAvailabilityProblem[]> {
  const problems: RunnerAvailabilityProblem[] = [];
  for (const [runner, stages] of [...boundRunners(input.plan)].sort(([a], [b]) => a.localeCompare(b))) {
    const contribution = input.registry.runners.get(runner);
    if (!contribution) continue; // an unknown runner is the compiler's error, reported there
    const base = { runner, plugin: contribution.plugin.name, stages };
    const section = parseRunnerSection(contribution.item, input.runners);
    if (!section.ok) {
      problems.push({ ...base, problem: `runner ${runner}: ${section.message}`, remedy: `set [runners.${contribution.item.configSection ?? runner}] in millrace-agents/millrace.toml (see docs/config.md)` });
      continue;
    }
    const { preflight } = contribution.item;
    if (!preflight) continue;
    try {
      const found = await preflight({ workspaceRoot: input.workspaceRoot, runtimeRoot: input.runtimeRoot, config: section.config, stages: [...stages] });
      if (found) problems.push({ ...base, problem: String(found.problem), remedy: String(found.remedy) });
    } catch (error) {
      problems.push({ ...base, problem: `runner ${runner}: preflight of plugin ${contribution.plugin.name} failed: ${messageOf(error)}`, remedy: 'fix or reinstall the runner plugin (`millrace plugins`)' });
    }
  }
  return problems;
}

/** What `run once`/`run daemon` throw instead of starting when a bound runner cannot run. */
export function runnerUnavailableError(problems: readonly RunnerAvailabilityProblem[]): MillraceError {
  const [first, ...rest] = problems;
  const more = rest.length > 0 ? ` (and ${rest.length} more: ${rest.map((p) => p.runner).join(', ')})` : '';
  return new MillraceError('RUNNER_UNAVAILABLE', `${first?.problem ?? 'a runner is unavailable'}${more}`, {
    hint: `${first?.remedy ?? 'see `millrace doctor`'}; nothing was run (\`millrace doctor\` lists every runner problem)`,
  });
}

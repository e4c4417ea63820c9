import { judgePlan, referencedFiles } from '../compiler/currentness.js';
import type { CompileInputFingerprint, CompiledPlan, CompilerConfig, CompilerRegistry, PlanCurrentness } from '../contracts/compiled-plan.js';
import type { WorkspacePaths } from '../workspace/paths.js';
import { readPlanInputs } from '../workspace/plan-inputs.js';
import { readCompiledPlan } from '../workspace/plan-store.js';

export type CurrentnessReport = {
  currentness: PlanCurrentness;
  expected: CompileInputFingerprint;
  persisted: CompileInputFingerprint | null;
  plan: CompiledPlan | null;
  /** Why the persisted plan could not be used, when it is missing. */
  problem: string | null;
};

export type CurrentnessOptions = {
  paths: WorkspacePaths;
  config: CompilerConfig;
  registry: CompilerRegistry;
  /** `--mode`; falls back to `runtime.default_mode`, then `default_codex`. */
  modeId?: string | null;
};

/** Read-only: is the persisted plan what the current mode, config, contributions and asset files would compile to? */
export async function inspectPlanCurrentness(options: CurrentnessOptions): Promise<CurrentnessReport> {
  const stored = await readCompiledPlan(options.paths);
  const read = await readPlanInputs(options.paths, stored.value ? referencedFiles(stored.value) : []);
  const { expected, currentness } = judgePlan(stored.value, read, { requestedModeId: options.modeId, config: options.config, registry: options.registry });
  return { currentness, expected, persisted: stored.value?.compile_input_fingerprint ?? null, plan: stored.value, problem: stored.problem };
}

export async function planCurrentness(options: CurrentnessOptions): Promise<PlanCurrentness> {
  return (await inspectPlanCurrentness(options)).currentness;
}

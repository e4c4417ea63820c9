import type { CompileInputFingerprint, CompiledPlan, CompilerConfig, CompilerRegistry, PlanCurrentness, ResolvedAsset, TaggedContribution } from '../contracts/compiled-plan.js';
import { RUNTIME_DIR, runnerIdentity } from './compile-plan.js';
import { assetsFingerprint, configFingerprint, contributionHash, pluginLocation, sameFingerprint } from './fingerprint.js';
import { resolveRequestedModeId } from './mode-resolution.js';
import { withLocalContributions } from './local-contributions.js';
import type { LocalContributionFile, LocalContributionProblem } from '../contracts/local-contributions.js';

export type CurrentnessInputs = {
  requestedModeId?: string | null;
  config: CompilerConfig;
  registry: CompilerRegistry;
  /** sha256 of the files the plan references, as they are now (absent = missing). */
  assetHashes: ReadonlyMap<string, string>;
};

/** The runtime-root-relative files a plan references (what the shell must hash to judge currentness). */
export function referencedFiles(plan: CompiledPlan): string[] {
  const prefix = `${RUNTIME_DIR}/`;
  return plan.resolved_assets.filter((r) => (r.asset_family === 'entrypoint' || r.asset_family === 'skill') && r.location.startsWith(prefix)).map((r) => r.location.slice(prefix.length));
}

function currentToken(ref: ResolvedAsset, inputs: CurrentnessInputs): Pick<ResolvedAsset, 'location' | 'content_sha256'> {
  const id = ref.logical_id.slice(ref.logical_id.indexOf(':') + 1);
  const fromContribution = (tagged: TaggedContribution<unknown> | undefined) =>
    tagged ? { location: pluginLocation(tagged.plugin), content_sha256: contributionHash(tagged.item, tagged.plugin) } : { location: ref.location, content_sha256: 'missing' };
  const { registry } = inputs;
  switch (ref.asset_family) {
    case 'mode':
      return fromContribution(registry.modes.get(id));
    case 'graph_loop':
      return fromContribution(registry.loops.get(id));
    case 'stage_kind':
      return fromContribution(registry.stageKinds.get(id));
    case 'runner':
      return fromContribution(registry.runners.has(id) ? runnerIdentity(registry, id) : undefined);
    default:
      return { location: ref.location, content_sha256: inputs.assetHashes.get(ref.location.slice(RUNTIME_DIR.length + 1)) ?? 'missing' };
  }
}

/**
 * Pure: the fingerprint the plan would have if compiled now, reusing the plan's own asset list
 * (so unrelated new files do not make a plan stale).
 */
export function expectedFingerprint(plan: CompiledPlan | null, inputs: CurrentnessInputs): CompileInputFingerprint {
  const mode_id = resolveRequestedModeId(inputs.requestedModeId, inputs.config, inputs.registry.modeAliases);
  const config_fingerprint = configFingerprint(inputs.config);
  if (!plan) return { mode_id, config_fingerprint, assets_fingerprint: 'assets-missing' };
  const refs = plan.resolved_assets.map((ref) => ({ ...ref, ...currentToken(ref, inputs) }));
  return { mode_id, config_fingerprint, assets_fingerprint: assetsFingerprint(refs) };
}

export function decideCurrentness(plan: CompiledPlan | null, expected: CompileInputFingerprint): PlanCurrentness {
  if (!plan) return 'missing';
  return sameFingerprint(plan.compile_input_fingerprint, expected) ? 'current' : 'stale';
}

/** What judging a plan reads from its workspace (workspace/plan-inputs.ts): local modes and loops, referenced files. */
export type WorkspacePlanInputs = {
  local: { files: LocalContributionFile[]; problems: LocalContributionProblem[] };
  assetHashes: ReadonlyMap<string, string>;
};

/** Pure: what a plan compiled now would be fingerprinted as, and whether `plan` (null: none persisted) equals it. */
export function judgePlan(
  plan: CompiledPlan | null,
  read: WorkspacePlanInputs,
  options: { requestedModeId?: string | null; config: CompilerConfig; registry: CompilerRegistry },
): { expected: CompileInputFingerprint; currentness: PlanCurrentness } {
  const { registry } = withLocalContributions(options.registry, read.local.files, read.local.problems);
  const expected = expectedFingerprint(plan, { requestedModeId: options.requestedModeId, config: options.config, registry, assetHashes: read.assetHashes });
  return { expected, currentness: decideCurrentness(plan, expected) };
}

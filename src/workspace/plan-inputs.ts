import type { WorkspacePaths } from './paths.js';
import { readLocalContributionFiles, type LocalContributionFile, type LocalContributionProblem } from './local-contributions.js';
import { hashRuntimeFiles } from './runtime-assets.js';

/**
 * What judging a plan's currentness reads from the workspace (compiler/currentness.ts `judgePlan` decides): its local
 * modes and loops, and the sha256 of the runtime files the plan references (runtime-root relative).
 */
export async function readPlanInputs(
  paths: Pick<WorkspacePaths, 'workspaceRoot' | 'runtimeRoot' | 'modes' | 'graphs'>,
  referencedFiles: readonly string[],
): Promise<{ local: { files: LocalContributionFile[]; problems: LocalContributionProblem[] }; assetHashes: Map<string, string> }> {
  const local = await readLocalContributionFiles(paths);
  const assetHashes = referencedFiles.length > 0 ? hashRuntimeFiles(paths.runtimeRoot, referencedFiles) : new Map<string, string>();
  return { local, assetHashes };
}

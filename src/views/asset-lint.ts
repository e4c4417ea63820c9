import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { STAGE_METADATA } from '../contracts/stage-metadata.js';
import { lintStageAssets, type AssetLintProblem, type WorkDocumentParser } from '../compiler/entrypoint-lint.js';
import { parseWorkDocument } from '../workspace/documents/index.js';
import type { WorkspacePaths } from '../workspace/paths.js';

/** The asset families the stage lint reads, relative to an asset root (packaged `src/assets` or a runtime root). */
const LINTED_FAMILIES = ['entrypoints', 'skills'] as const;

export type AssetTree = { files: Map<string, string>; existingPaths: Set<string> };

/** Every file under `<root>/entrypoints` and `<root>/skills`, keyed by root-relative POSIX path; markdown texts loaded. */
export function readAssetTree(root: string): AssetTree {
  const files = new Map<string, string>();
  const existingPaths = new Set<string>();
  for (const family of LINTED_FAMILIES) {
    for (const absolute of listFiles(join(root, family))) {
      const path = relative(root, absolute).split(sep).join('/');
      existingPaths.add(path);
      if (path.endsWith('.md')) files.set(path, readFileSync(absolute, 'utf8'));
    }
  }
  return { files, existingPaths };
}

function listFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}

/** Lint the stage entrypoints and skills of one asset root (packaged assets or a workspace runtime root). */
export function lintAssetTree(root: string, parseDocument: WorkDocumentParser = parseWorkDocument): AssetLintProblem[] {
  const { files, existingPaths } = readAssetTree(root);
  return lintStageAssets({ stages: STAGE_METADATA, files, existingPaths, parseDocument });
}

/** The deployed entrypoints and skills of a workspace (`millrace-agents/`), as `compile validate` checks them. */
export function lintWorkspaceAssets(paths: WorkspacePaths, parseDocument: WorkDocumentParser = parseWorkDocument): AssetLintProblem[] {
  return lintAssetTree(paths.runtimeRoot, parseDocument);
}

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { MillraceError } from '../errors/index.js';
import { STAGE_METADATA } from '../contracts/stage-metadata.js';
import { lintStageAssets, type AssetLintProblem, type WorkDocumentParser } from '../compiler/entrypoint-lint.js';
import { parseWorkDocument } from '../workspace/documents/index.js';
import type { WorkspacePaths } from '../workspace/paths.js';
import type { CompileValidateView } from './compile.js';

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

/** Lint problems join the compile diagnostics as errors: the plan may compile, but agents would follow broken instructions. */
export function withAssetLint(view: CompileValidateView, problems: readonly AssetLintProblem[]): CompileValidateView {
  if (problems.length === 0) return view;
  return { ...view, ok: false, errors: [...view.errors, ...problems.map((p) => `entrypoint lint: ${p.message}`)] };
}

/** The error `compile validate` exits with when only the entrypoint lint failed (the plan itself compiled). */
export function assetLintFailedError(problems: readonly AssetLintProblem[], runtimeRoot: string): MillraceError {
  const [first, ...rest] = problems;
  const more = rest.length ? ` (and ${rest.length} more)` : '';
  return new MillraceError('COMPILE_FAILED', `entrypoint lint: ${first?.message ?? 'failed'}${more}`, {
    file: first ? join(runtimeRoot, first.file) : undefined,
    hint: 'the plan compiled, but stage agents would follow these instructions; fix the entrypoints/skills under millrace-agents/ (see docs/stages.md)',
  });
}

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { MillraceError } from '../errors/index.js';
import { STAGE_METADATA } from '../contracts/stage-metadata.js';
import { lintStageAssets, type AssetLintProblem, type WorkDocumentParser } from '../compiler/entrypoint-lint.js';
import { parseWorkDocument } from '../workspace/documents/index.js';
import type { WorkspacePaths } from '../workspace/paths.js';
import type { CompileValidateView } from './compile.js';
import { localeOrder } from '../contracts/locale-order.js';

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
    .sort((a, b) => localeOrder(a.name, b.name))
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

/**
 * In a workspace only a missing entrypoint or stage-core skill (or skills index) is an error. Every other finding (an
 * operator-edited entrypoint without its `## Legal terminal markers` section, a reference-era entrypoint that names a
 * marker its stage cannot emit, a skill that is not indexed) is a warning naming the file: the runtime only accepts the
 * stage's legal markers whatever the instructions say, so it never stops a run. `millrace migrate` replaces
 * reference-era assets with the shipped ones. The packaged assets are held to the whole lint by the tests.
 */
const WORKSPACE_LINT_ERRORS: ReadonlySet<AssetLintProblem['rule']> = new Set(['ENTRYPOINT_MISSING', 'SKILL_MISSING']);

export function isWorkspaceLintError(problem: AssetLintProblem): boolean {
  return WORKSPACE_LINT_ERRORS.has(problem.rule);
}

/** Lint findings join the compile diagnostics: missing stage files as errors, the rest as warnings. */
export function withAssetLint(view: CompileValidateView, problems: readonly AssetLintProblem[]): CompileValidateView {
  if (problems.length === 0) return view;
  const errors = problems.filter(isWorkspaceLintError);
  const warnings = problems.filter((p) => !isWorkspaceLintError(p));
  return {
    ...view,
    ok: view.ok && errors.length === 0,
    errors: [...view.errors, ...errors.map((p) => `entrypoint lint: ${p.message}`)],
    warnings: [...view.warnings, ...warnings.map((p) => `entrypoint lint: ${p.message}`)],
  };
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

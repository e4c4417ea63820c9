/**
 * Pure: whether two tasks' `target_paths` may touch the same files (docs/parallel.md, "Overlap"). Used by lanes with
 * `isolation = "none"`, where two tasks share one working tree and may run together only when they cannot collide.
 *
 * A target path is a repository-relative path or glob. Its static base is the run of leading segments without glob
 * characters (`src/api/**\/*.ts` -> `src/api`). Two target paths overlap when one static base is a segment prefix of
 * the other (`src` covers `src/api/x.ts`; `src/a` does not cover `src/ab`). An empty base (`**`, `.`, `*.md`) is the
 * whole tree. The rule is conservative: globs under one base overlap even when their patterns could never match the
 * same file, because wrongly running two tasks together costs more than running them one after the other. A task
 * without target paths claims the whole tree.
 */

const GLOB_CHARS = /[*?[\]{}!]/;

/** The literal leading segments of a target path or glob (normalized: no `.`, empty or trailing segments). */
export function staticBase(target: string): string[] {
  const segments = target
    .trim()
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s !== '' && s !== '.');
  const base: string[] = [];
  for (const segment of segments) {
    if (GLOB_CHARS.test(segment)) break;
    base.push(segment);
  }
  return base;
}

function isSegmentPrefix(prefix: readonly string[], path: readonly string[]): boolean {
  if (prefix.length > path.length) return false;
  return prefix.every((segment, i) => segment === path[i]);
}

/** Whether two target paths (or globs) can name a common file. */
export function targetPathOverlaps(a: string, b: string): boolean {
  const baseA = staticBase(a);
  const baseB = staticBase(b);
  return isSegmentPrefix(baseA, baseB) || isSegmentPrefix(baseB, baseA);
}

/** Whether two tasks' target path lists overlap; an empty list is the whole tree. */
export function targetPathsOverlap(a: readonly string[], b: readonly string[]): boolean {
  if (a.length === 0 || b.length === 0) return true;
  return a.some((x) => b.some((y) => targetPathOverlaps(x, y)));
}

import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { readBoundedTextOrRefuse, readBoundedTextSync } from '../bounded-read.js';
import { writeTextAtomic } from '../state/atomic-write.js';
import type { ClosureTarget } from '../../contracts/closure-target.js';
import { MillraceError } from '../../errors/index.js';
import type { WorkspacePaths } from '../paths.js';

/** POSIX path relative to the workspace root when inside it; otherwise the absolute path. */
export function toWorkspaceRelative(paths: WorkspacePaths, path: string): string {
  const abs = resolve(paths.workspaceRoot, path);
  const rel = relative(paths.workspaceRoot, abs);
  return rel.startsWith('..') || isAbsolute(rel) ? abs : rel.split(sep).join('/');
}

/** An idea's text through the bounded reader; null when it is missing, too large or not a regular file. */
function readIfFile(path: string): string | null {
  try {
    return readBoundedTextSync(path, 'idea document')?.text ?? null;
  } catch {
    return null;
  }
}

export type SeedIdeaLookup = { references: readonly string[]; source_id: string | null; root_idea_id: string };

/**
 * The seed idea of a root spec: first existing of its references, then `<source_id|root_idea_id>.md` in
 * `millrace-agents/ideas/inbox/`, then in the old `<workspace>/ideas/inbox/` (routing.md §9.2).
 */
export async function readSeedIdeaMarkdown(paths: WorkspacePaths, spec: SeedIdeaLookup): Promise<{ path: string; markdown: string }> {
  const names = [...(spec.source_id ? [`${spec.source_id}.md`] : []), `${spec.root_idea_id}.md`];
  const candidates = [
    ...spec.references.map((r) => resolve(paths.workspaceRoot, r)),
    ...[paths.ideasInbox, paths.legacyIdeasInbox].flatMap((inbox) => names.map((name) => join(inbox, name))),
  ];
  for (const path of candidates) {
    const markdown = readIfFile(path);
    if (markdown !== null) return { path, markdown };
  }
  throw new MillraceError('NOT_FOUND', `could not resolve source idea markdown for root_idea_id=${spec.root_idea_id}`, {
    field: 'references',
    hint: `put the idea at millrace-agents/ideas/inbox/${spec.root_idea_id}.md or list its path under References in the root spec`,
  });
}

/** Snapshot the canonical root spec and seed idea the Arbiter judges against. */
export async function writeClosureContracts(paths: WorkspacePaths, target: ClosureTarget, rootSpecFile: string, ideaMarkdown: string): Promise<void> {
  await writeTextAtomic(resolve(paths.workspaceRoot, target.root_idea_path), ideaMarkdown);
  await writeTextAtomic(resolve(paths.workspaceRoot, target.root_spec_path), readBoundedTextOrRefuse(rootSpecFile, 'work document', { code: 'DOCUMENT_INVALID' }));
}

/** Keep the run's Arbiter report at `arbiter/reports/<run_id>.md`; null when the Arbiter wrote none. */
export async function copyArbiterReport(paths: WorkspacePaths, runId: string, reportArtifact: string | null): Promise<string | null> {
  if (!reportArtifact) return null;
  const destination = join(paths.arbiter.reports, `${runId}.md`);
  const content = await readIfFile(resolve(paths.workspaceRoot, reportArtifact));
  if (content === null) return null;
  await writeTextAtomic(destination, content);
  return toWorkspaceRelative(paths, destination);
}

/** Workspace-relative path of the verdict the Arbiter wrote, or null if the file does not exist. */
export async function resolveArbiterVerdict(paths: WorkspacePaths, preferredVerdictPath: string | null): Promise<string | null> {
  if (!preferredVerdictPath) return null;
  const abs = resolve(paths.workspaceRoot, preferredVerdictPath);
  return (await readIfFile(abs)) === null ? null : toWorkspaceRelative(paths, abs);
}


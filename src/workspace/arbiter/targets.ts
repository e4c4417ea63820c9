import { join } from 'node:path';
import { writeJsonFileAtomic } from '../state/atomic-write.js';
import { readStateFile } from '../state/state-file.js';
import { ClosureTargetSchema, type ClosureTarget } from '../../contracts/closure-target.js';
import { errorFromIssues, MillraceError } from '../../errors/index.js';
import type { WorkspacePaths } from '../paths.js';
import { listJsonNames } from '../folder-entries.js';

export type ClosureTargetProblem = { file: string; message: string };

function parseTarget(file: string, text: string): ClosureTarget {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new MillraceError('WORKSPACE_STATE_INVALID', `${file}: invalid JSON: ${(error as Error).message}`, { file });
  }
  const parsed = ClosureTargetSchema.safeParse(raw);
  if (!parsed.success) throw errorFromIssues('WORKSPACE_STATE_INVALID', file, parsed.error.issues);
  return parsed.data;
}

/** A target file's text through the bounded state reader; null when absent, an error naming the file when refused. */
function readTargetText(paths: WorkspacePaths, file: string): string | null {
  const read = readStateFile(file, paths.workspaceRoot);
  if (read.kind === 'refused') throw new MillraceError('WORKSPACE_STATE_INVALID', `${file}: ${read.reason}`, { file });
  return read.kind === 'text' ? read.text : null;
}

export const closureTargetFile = (paths: WorkspacePaths, rootSpecId: string) => join(paths.arbiter.targets, `${rootSpecId}.json`);

/** The target of one lineage, or null when none was opened. Throws on an invalid file. */
export async function readClosureTarget(paths: WorkspacePaths, rootSpecId: string): Promise<ClosureTarget | null> {
  const file = closureTargetFile(paths, rootSpecId);
  const text = readTargetText(paths, file);
  return text === null ? null : parseTarget(file, text);
}

/** Every target file; invalid ones are reported, never deleted. */
export async function readClosureTargets(paths: WorkspacePaths): Promise<{ targets: ClosureTarget[]; problems: ClosureTargetProblem[] }> {
  const names = listJsonNames(paths.arbiter.targets);
  const targets: ClosureTarget[] = [];
  const problems: ClosureTargetProblem[] = [];
  for (const name of names) {
    const file = join(paths.arbiter.targets, name);
    try {
      const text = readTargetText(paths, file);
      if (text === null) continue;
      const target = parseTarget(file, text);
      if (`${target.root_spec_id}.json` !== name) problems.push({ file, message: `${file}: root_spec_id: does not match the file name` });
      else targets.push(target);
    } catch (error) {
      problems.push({ file, message: (error as Error).message });
    }
  }
  return { targets, problems };
}

/** The single open target, null when none; more than one open target is a hard error (routing.md §9). */
export async function readOpenClosureTarget(paths: WorkspacePaths): Promise<ClosureTarget | null> {
  const { targets, problems } = await readClosureTargets(paths);
  if (problems.length > 0) {
    throw new MillraceError('WORKSPACE_STATE_INVALID', problems[0]!.message, { file: problems[0]!.file, hint: 'fix or move the invalid closure target file; `millrace doctor` lists every problem' });
  }
  const open = targets.filter((t) => t.closure_open);
  if (open.length > 1) {
    throw new MillraceError('WORKSPACE_STATE_INVALID', `${paths.arbiter.targets}: closure_open: more than one open closure target (${open.map((t) => t.root_spec_id).join(', ')})`, {
      file: paths.arbiter.targets,
      field: 'closure_open',
      hint: 'close all but one target by hand while no runtime is active',
    });
  }
  return open[0] ?? null;
}

export async function writeClosureTarget(paths: WorkspacePaths, target: ClosureTarget): Promise<string> {
  const valid = ClosureTargetSchema.parse(target);
  const file = closureTargetFile(paths, valid.root_spec_id);
  await writeJsonFileAtomic(file, valid);
  return file;
}

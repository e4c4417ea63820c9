import { existsSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { SAFE_ID_PATTERN, type WorkDocument } from '../../contracts/documents.js';
import { isMillraceError, MillraceError } from '../../errors/index.js';
import { MAX_ID_LENGTH, type InputKind } from '../../contracts/input-limits.js';
import { isWrongTypeRefusal, readBoundedTextSync } from '../bounded-read.js';
import { parseWorkDocument, parseWorkDocumentJson, type IntakeDefaults } from '../documents/index.js';
import type { WorkspacePaths } from '../paths.js';
import { createFileExclusive } from './exclusive-file.js';
import { enqueueWorkItem } from './enqueue.js';
import type { QueueLocation } from './scan.js';

export type ImportKind = 'task' | 'spec';

async function readInput(file: string, kind: InputKind): Promise<string> {
  let read: { text: string } | undefined;
  try {
    read = readBoundedTextSync(file, kind, { code: 'DOCUMENT_INVALID' });
  } catch (error) {
    if (isMillraceError(error) && isWrongTypeRefusal(error)) read = undefined;
    else throw error;
  }
  if (read === undefined) throw new MillraceError('USAGE', `${file}: no such file (expected a regular file)`, { file });
  return read.text;
}

/** Read a `.md` (front matter or labelled) or `.json` document for `queue add-task` / `add-spec`. Touches nothing. */
export async function readImportDocument(kind: ImportKind, file: string, intake: IntakeDefaults): Promise<WorkDocument> {
  const extension = extname(file);
  if (extension !== '.md' && extension !== '.json') {
    throw new MillraceError('INPUT_INVALID', `${file}: (path): ${kind} import path must end with .md or .json`, { exitCode: 1, file });
  }
  const text = await readInput(file, 'work document');
  return extension === '.md' ? parseWorkDocument(kind, text, file, { intake }) : parseWorkDocumentJson(kind, text, file, { intake });
}

/** `queue add-task|add-spec <file>`: validate, fill created_at/created_by when absent, enqueue canonically. */
export async function importWorkDocument(paths: WorkspacePaths, kind: ImportKind, file: string, intake: IntakeDefaults): Promise<QueueLocation> {
  return enqueueWorkItem(paths, await readImportDocument(kind, file, intake));
}

/** Why an idea file name is not acceptable, or undefined (documents.md §9.5). */
export function ideaNameProblem(name: string): string | undefined {
  if (name.trim() !== name) return 'must not include surrounding whitespace';
  if (!name.endsWith('.md')) return 'must end with .md';
  if (name.length - 3 > MAX_ID_LENGTH) return `name without .md must be at most ${MAX_ID_LENGTH} characters`;
  if (!SAFE_ID_PATTERN.test(name.slice(0, -3))) return `name without .md must match ${SAFE_ID_PATTERN.source}`;
  return undefined;
}

/** Read and check an idea file (safe-id name ending in .md, non-blank text). Touches nothing. */
export async function readIdeaFile(file: string): Promise<string> {
  const problem = ideaNameProblem(basename(file));
  if (problem) throw new MillraceError('INPUT_INVALID', `${file}: (path): ${problem}`, { exitCode: 1, file, field: '(path)' });
  const text = await readInput(file, 'idea document');
  if (text.trim() === '') throw new MillraceError('DOCUMENT_INVALID', `${file}: (document): markdown is required`, { exitCode: 1, file, field: '(document)' });
  return text;
}

/** The idea inboxes planning reads: `millrace-agents/ideas/inbox`, then the old `<workspace>/ideas/inbox`. */
export function ideaInboxes(paths: WorkspacePaths): string[] {
  return [paths.ideasInbox, paths.legacyIdeasInbox];
}

/**
 * Write a new idea into `millrace-agents/ideas/inbox/<name>` (exclusively: never replaces a file). An idea of the
 * same name in the old inbox counts as existing too, since both would become the same spec. Returns the path, or
 * the path of the idea that already exists.
 */
export async function writeNewIdea(paths: WorkspacePaths, name: string, markdown: string): Promise<{ created: boolean; path: string }> {
  const legacy = join(paths.legacyIdeasInbox, name);
  if (existsSync(legacy)) return { created: false, path: legacy };
  const path = join(paths.ideasInbox, name);
  return { created: await createFileExclusive(path, markdown), path };
}

/** `queue add-idea <file.md>`: copy the markdown verbatim into `millrace-agents/ideas/inbox/<name>`; never replaces a file. */
export async function importIdea(paths: WorkspacePaths, file: string): Promise<{ path: string }> {
  const text = await readIdeaFile(file);
  const { created, path } = await writeNewIdea(paths, basename(file), text);
  if (!created) throw new MillraceError('DUPLICATE_ID', `idea document already exists: ${path}`, { exitCode: 1, file: path });
  return { path };
}

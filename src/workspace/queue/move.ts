import { createHash } from 'node:crypto';
import { linkSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { formatTimestamp, type WorkDocument, type WorkDocumentKind } from '../../contracts/documents.js';
import type { QueueMoveIntent, QueueState } from '../../contracts/queue-move.js';
import { writeFailure } from '@millrace/plugin-api';
import { MillraceError } from '../../errors/index.js';
import { parseWorkDocument, renderWorkDocument } from '../documents/index.js';
import { readBoundedBytesSync } from '../bounded-read.js';
import type { WorkspacePaths } from '../paths.js';
import { createFileExclusive, isErrno, tempPathFor } from './exclusive-file.js';
import { displayPath, documentPath, isKindState, moveIntentDir } from './layout.js';
import type { QueueLocation } from './scan.js';

export type MoveOptions = {
  /** Rewrite the document while moving it (rendered canonically). Without it the bytes move unchanged. */
  mutate?: (document: WorkDocument) => WorkDocument;
  now?: Date;
};

export type PlannedMove = { intent: QueueMoveIntent; intentPath: string; content: Buffer };

export const sha256 = (content: Buffer | string): string => createHash('sha256').update(content).digest('hex');

export const intentPathFor = (paths: WorkspacePaths, kind: WorkDocumentKind, id: string): string => join(moveIntentDir(paths), `${kind}.${id}.json`);

/** Check a move is possible and compute the destination content; touches nothing. */
export async function planMove(paths: WorkspacePaths, kind: WorkDocumentKind, id: string, from: QueueState, to: QueueState, options: MoveOptions = {}): Promise<PlannedMove> {
  if (!isKindState(kind, from) || !isKindState(kind, to) || from === to) {
    throw new MillraceError('INPUT_INVALID', `cannot move ${kind} ${id} from ${from} to ${to}`, { field: 'state' });
  }
  const source = documentPath(paths, kind, from, id);
  const destination = documentPath(paths, kind, to, id);
  // Bounded: a document an agent grew past the limit is refused by name, never loaded whole.
  const read = readBoundedBytesSync(source, 'work document', { display: displayPath(paths, source), code: 'DOCUMENT_INVALID' });
  if (read === undefined) throw new MillraceError('NOT_FOUND', `${kind} ${id} is not in ${from}`, { file: displayPath(paths, source) });
  const original = read.bytes;
  const content = options.mutate
    ? Buffer.from(renderWorkDocument(options.mutate(parseWorkDocument(kind, original.toString('utf8'), displayPath(paths, source)))), 'utf8')
    : original;
  const intent: QueueMoveIntent = {
    schema_version: '1.0',
    kind,
    id,
    from,
    to,
    source,
    destination,
    temp: options.mutate ? tempPathFor(destination) : null,
    destination_sha256: sha256(content),
    started_at: formatTimestamp(options.now ?? new Date()),
  };
  return { intent, intentPath: intentPathFor(paths, kind, id), content };
}

/**
 * The steps of a crash-safe move, each one atomic on its own:
 * 1. record the intent; 2. (when rewriting) write the new content to a temp file beside the destination;
 * 3. hard-link the content into the destination (refuses to replace an existing file);
 * 4. remove the source; 5. remove the temp file; 6. remove the intent.
 * A kill between any two steps leaves a state `repairQueue` resolves to exactly one copy (see repair.ts).
 * Each step is synchronous inside: a claim or a finished item's move is about ten small system calls, and as
 * thread-pool round trips they cost a loaded daemon several milliseconds per move.
 */
export function moveSteps(paths: WorkspacePaths, plan: PlannedMove): Array<() => Promise<void>> {
  const { intent, intentPath, content } = plan;
  const abort = async (error: MillraceError) => {
    if (intent.temp) rmSync(intent.temp, { force: true });
    rmSync(intentPath, { force: true });
    throw error;
  };
  const steps: Array<() => Promise<void>> = [
    async () => {
      const created = await createFileExclusive(intentPath, `${JSON.stringify(intent, null, 2)}\n`);
      if (!created) {
        throw new MillraceError('WORKSPACE_STATE_INVALID', `an unfinished move of ${intent.kind} ${intent.id} is recorded in ${displayPath(paths, intentPath)}`, {
          file: displayPath(paths, intentPath),
          hint: 'run queue repair (repairQueue) before moving it again',
        });
      }
    },
  ];
  if (intent.temp) {
    steps.push(async () => {
      try {
        mkdirSync(dirname(intent.destination), { recursive: true });
        writeFileSync(intent.temp!, content);
      } catch (error) {
        // Nothing has moved yet: drop the temp file and the intent, the document stays where it was.
        rmSync(intent.temp!, { force: true });
        rmSync(intentPath, { force: true });
        throw writeFailure(error, intent.destination);
      }
    });
  }
  steps.push(async () => {
    try {
      mkdirSync(dirname(intent.destination), { recursive: true });
      linkSync(intent.temp ?? intent.source, intent.destination);
    } catch (error) {
      if (isErrno(error, 'EEXIST')) await abort(new MillraceError('DUPLICATE_ID', `${intent.kind} ${intent.id} already exists at destination`, { exitCode: 1, file: displayPath(paths, intent.destination) }));
      if (isErrno(error, 'ENOENT') && !intent.temp) await abort(new MillraceError('NOT_FOUND', `${intent.kind} ${intent.id} is not in ${intent.from}`, { file: displayPath(paths, intent.source) }));
      throw error;
    }
  });
  steps.push(async () => rmSync(intent.source, { force: true }));
  if (intent.temp) steps.push(async () => rmSync(intent.temp!, { force: true }));
  steps.push(async () => rmSync(intentPath, { force: true }));
  return steps;
}

/**
 * Move one document between folders of its kind without ever leaving zero copies, and leaving two only in a
 * state that `repairQueue` can resolve. Throws NOT_FOUND when the source is missing and DUPLICATE_ID when the
 * destination exists.
 */
export async function moveWorkItem(
  paths: WorkspacePaths,
  kind: WorkDocumentKind,
  id: string,
  from: QueueState,
  to: QueueState,
  options: MoveOptions = {},
): Promise<QueueLocation> {
  const plan = await planMove(paths, kind, id, from, to, options);
  for (const step of moveSteps(paths, plan)) await step();
  return { kind, state: to, id, path: plan.intent.destination };
}

import { closeSync, fstatSync, openSync, readFileSync, type BigIntStats } from 'node:fs';
import { ID_FIELD, workDocumentId } from '../../contracts/documents.js';
import { validateWorkDocumentText } from '../documents/parse.js';
import type { WorkspacePaths } from '../paths.js';
import { isErrno } from './exclusive-file.js';
import { displayPath } from './layout.js';
import { claimFactsOf } from './select.js';
import type { ParsedQueueFile, QueueLocation } from './queue-files.js';

/** A file's text and the stat of the open file it was read from (one path lookup for both). */
function readTextAndStat(path: string): { text: string; stat: BigIntStats } | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined; // moved away between listing and reading
    throw error;
  }
  try {
    return { stat: fstatSync(fd, { bigint: true }), text: readFileSync(fd, 'utf8') };
  } finally {
    closeSync(fd);
  }
}

/** Parse one file's text as its folder's kind; invalid content or a stem/id mismatch yields problems. */
function parseQueueText(paths: WorkspacePaths, location: QueueLocation, text: string): ParsedQueueFile {
  const file = displayPath(paths, location.path);
  const result = validateWorkDocumentText(location.kind, text, file);
  const { kind, state, id, path } = location;
  if (!result.ok) return { kind, state, id, path, problems: result.problems };
  const documentId = workDocumentId(result.document);
  if (documentId !== id) {
    return { kind, state, id, path, problems: [{ file, field: ID_FIELD[kind], message: `must equal the file name stem: expected ${id}, found ${documentId}` }] };
  }
  return { kind, state, id, path, document: result.document, claim: claimFactsOf(result.document) };
}

/**
 * Read and parse one queue file, with the stat of what was read; undefined when it is gone. Synchronous: scans read
 * thousands of small files, and one sync read each is several times faster than as many concurrent promises.
 */
export function readQueueFileWithStat(paths: WorkspacePaths, location: QueueLocation): { parsed: ParsedQueueFile; stat: BigIntStats } | undefined {
  const read = readTextAndStat(location.path);
  return read && { parsed: parseQueueText(paths, location, read.text), stat: read.stat };
}

/** Read and parse one queue file; undefined when it is gone. */
export function readQueueFileSync(paths: WorkspacePaths, location: QueueLocation): ParsedQueueFile | undefined {
  return readQueueFileWithStat(paths, location)?.parsed;
}

export const readQueueFile = async (paths: WorkspacePaths, location: QueueLocation) => readQueueFileSync(paths, location);

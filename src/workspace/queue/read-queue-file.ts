import type { BigIntStats } from 'node:fs';
import { sep } from 'node:path';
import { ID_FIELD, workDocumentId } from '../../contracts/documents.js';
import { isMillraceError } from '../../errors/index.js';
import { readBoundedTextSync, refusalDetail } from '../bounded-read.js';
import { validateWorkDocumentText } from '../documents/parse.js';
import type { WorkspacePaths } from '../paths.js';
import { displayPath } from './layout.js';
import { claimFactsOf } from './select.js';
import type { ParsedQueueFile, QueueLocation } from './queue-files.js';

/** The display path of a queue file (displayPath), its folder's part worked out once per folder: scans read thousands. */
let lastFolder: { paths: WorkspacePaths; dir: string; display: string } | undefined;
function queueFileDisplay(paths: WorkspacePaths, location: QueueLocation): string {
  const name = `${location.id}.md`;
  const dir = location.path.slice(0, -name.length - 1);
  if (!location.path.endsWith(sep + name) || !dir.startsWith(paths.runtimeRoot + sep)) return displayPath(paths, location.path);
  if (lastFolder?.paths !== paths || lastFolder.dir !== dir) lastFolder = { paths, dir, display: displayPath(paths, dir) };
  return `${lastFolder.display}/${name}`;
}

type ReadOutcome = { text: string; stat: BigIntStats } | { refused: { field: string; message: string }; stat: BigIntStats | undefined };

/**
 * A file's text and the stat of the open file it was read from (one path lookup for both), read within the work
 * document size limit; a file that cannot be read (too large, not a regular file) is refused, never loaded.
 */
function readTextAndStat(path: string, display: string): ReadOutcome | undefined {
  try {
    return readBoundedTextSync(path, 'work document', { display }); // undefined: moved away since listing
  } catch (error) {
    if (!isMillraceError(error) || error.field === undefined) throw error;
    return { refused: { field: error.field, message: refusalDetail(error) }, stat: undefined };
  }
}

/** Parse one file's text as its folder's kind; invalid content or a stem/id mismatch yields problems. */
function parseQueueText(file: string, location: QueueLocation, text: string): ParsedQueueFile {
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
export function readQueueFileWithStat(paths: WorkspacePaths, location: QueueLocation): { parsed: ParsedQueueFile; stat: BigIntStats | undefined } | undefined {
  const file = queueFileDisplay(paths, location);
  const read = readTextAndStat(location.path, file);
  if (read === undefined) return undefined;
  if ('refused' in read) {
    const { kind, state, id, path } = location;
    return { parsed: { kind, state, id, path, problems: [{ file, ...read.refused }] }, stat: read.stat };
  }
  return { parsed: parseQueueText(file, location, read.text), stat: read.stat };
}

/** Read and parse one queue file; undefined when it is gone. */
export function readQueueFileSync(paths: WorkspacePaths, location: QueueLocation): ParsedQueueFile | undefined {
  return readQueueFileWithStat(paths, location)?.parsed;
}

export const readQueueFile = async (paths: WorkspacePaths, location: QueueLocation) => readQueueFileSync(paths, location);

import { closeSync, fstatSync, openSync, readFileSync, readdirSync, type BigIntStats } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { sep } from 'node:path';
import { ID_FIELD, workDocumentId, type WorkDocumentKind } from '../../contracts/documents.js';
import { validateWorkDocumentText } from '../documents/index.js';
import type { WorkspacePaths } from '../paths.js';
import { KIND_STATES, displayPath, stateDir } from './layout.js';
import { isErrno } from './exclusive-file.js';
import { readThroughParseCache } from './parse-cache.js';
import { PersistedParseCache } from './persisted-parse-cache.js';
import { claimFactsOf } from './select.js';
import type { InvalidQueueFile, ParsedQueueFile, QueueItem, QueueListing, QueueLocation, ScanScope, DuplicateQueueId } from './queue-files.js';

export type { DuplicateQueueId, InvalidQueueFile, ParsedQueueFile, QueueItem, QueueListing, QueueLocation, ScanScope } from './queue-files.js';

export const FULL_SCOPE: ScanScope = KIND_STATES;

/** `<id>.md` file names directly inside one folder, sorted (missing folder = empty). */
export async function listDocumentFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile() && e.name.endsWith('.md')).map((e) => e.name).sort();
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return [];
    throw error;
  }
}

/** How many `*.md` names one folder holds (missing folder = 0); names only, for queue depths. */
export function countDocumentFiles(dir: string): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return 0;
    throw error;
  }
  let count = 0;
  for (const name of names) if (name.endsWith('.md')) count += 1;
  return count;
}

/** Locations (no parsing) of every `*.md` in the scoped folders. */
export async function listQueueLocations(paths: WorkspacePaths, scope: ScanScope = FULL_SCOPE): Promise<QueueLocation[]> {
  const groups = await Promise.all(
    Object.entries(scope).flatMap(([kind, states]) =>
      (states ?? []).map(async (state) => {
        const dir = stateDir(paths, kind as WorkDocumentKind, state);
        const names = await listDocumentFiles(dir);
        // dir is already normalized: plain concatenation is the same path without join's normalizing pass per file.
        return names.map((name) => ({ kind: kind as WorkDocumentKind, state, id: name.slice(0, -3), path: `${dir}${sep}${name}` }));
      }),
    ),
  );
  return groups.flat();
}

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
 * Read and parse one queue file, with the stat of what was read. Synchronous: scans read thousands of small files,
 * and one sync read each is several times faster than as many concurrent promises.
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

export type ListOptions = {
  /**
   * Also use and refresh the workspace's persisted parse cache (`state/queue_parse_cache.json`): for one-shot
   * read commands, which would otherwise parse every document again on every run.
   */
  persistParsed?: boolean;
};

/**
 * Every document in the scoped folders: valid items, invalid files (reported, never deleted) and duplicate ids.
 * Unchanged files reuse their earlier parse (parse-cache.ts), so returned documents are shared: never mutate them.
 */
export async function listQueue(paths: WorkspacePaths, scope: ScanScope = FULL_SCOPE, options: ListOptions = {}): Promise<QueueListing> {
  const locations = await listQueueLocations(paths, scope);
  const persisted = options.persistParsed ? PersistedParseCache.load(paths) : undefined;
  const read = locations.map((location) => readThroughParseCache(location, () => readQueueFileWithStat(paths, location), persisted));
  await persisted?.save(scope);
  const items: QueueItem[] = [];
  const invalid: InvalidQueueFile[] = [];
  for (const entry of read) {
    if (entry === undefined) continue;
    if ('document' in entry) items.push(entry);
    else invalid.push(entry);
  }
  return { items, invalid, duplicates: findDuplicateIds(locations) };
}

/** Pure: ids present in more than one folder of the same kind. */
export function findDuplicateIds(locations: readonly QueueLocation[]): DuplicateQueueId[] {
  const first = new Map<string, QueueLocation>();
  const groups = new Map<string, QueueLocation[]>();
  for (const location of locations) {
    const key = `${location.kind}\u0000${location.id}`;
    const seen = first.get(key);
    if (seen === undefined) first.set(key, location);
    else groups.set(key, [...(groups.get(key) ?? [seen]), location]);
  }
  return [...groups.values()].map((group) => ({ kind: group[0]!.kind, id: group[0]!.id, locations: group }));
}

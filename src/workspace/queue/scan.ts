import { readFileSync, statSync, type BigIntStats } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ID_FIELD, workDocumentId, type WorkDocument, type WorkDocumentKind } from '../../contracts/documents.js';
import type { QueueState } from '../../contracts/queue-move.js';
import { validateWorkDocumentText, type DocumentProblem } from '../documents/index.js';
import type { WorkspacePaths } from '../paths.js';
import { KIND_STATES, displayPath, stateDir } from './layout.js';
import { isErrno } from './exclusive-file.js';

export type QueueLocation = { kind: WorkDocumentKind; state: QueueState; id: string; path: string };
/** A valid document in a queue folder (its id equals the file stem). */
export type QueueItem = QueueLocation & { document: WorkDocument };
/** A `*.md` file in a queue folder that does not parse or whose id differs from its file name. Never deleted. */
export type InvalidQueueFile = QueueLocation & { problems: DocumentProblem[] };
/** The same id in more than one folder of the same kind (a crashed move or a hand copy; `repairQueue` fixes it). */
export type DuplicateQueueId = { kind: WorkDocumentKind; id: string; locations: QueueLocation[] };

export type QueueListing = { items: QueueItem[]; invalid: InvalidQueueFile[]; duplicates: DuplicateQueueId[] };

export type ScanScope = Partial<Record<WorkDocumentKind, readonly QueueState[]>>;

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

/** Locations (no parsing) of every `*.md` in the scoped folders. */
export async function listQueueLocations(paths: WorkspacePaths, scope: ScanScope = FULL_SCOPE): Promise<QueueLocation[]> {
  const groups = await Promise.all(
    Object.entries(scope).flatMap(([kind, states]) =>
      (states ?? []).map(async (state) => {
        const dir = stateDir(paths, kind as WorkDocumentKind, state);
        const names = await listDocumentFiles(dir);
        return names.map((name) => ({ kind: kind as WorkDocumentKind, state, id: name.slice(0, -3), path: join(dir, name) }));
      }),
    ),
  );
  return groups.flat();
}

/**
 * Parse one queue file as its folder's kind; invalid content or a stem/id mismatch yields problems.
 * Reads synchronously: scans read thousands of small files, and one sync read each is several times faster
 * than as many concurrent promises.
 */
export function readQueueFileSync(paths: WorkspacePaths, location: QueueLocation): QueueItem | InvalidQueueFile | undefined {
  let text: string;
  try {
    text = readFileSync(location.path, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined; // moved away between listing and reading
    throw error;
  }
  const file = displayPath(paths, location.path);
  const result = validateWorkDocumentText(location.kind, text, file);
  if (!result.ok) return { ...location, problems: result.problems };
  const id = workDocumentId(result.document);
  if (id !== location.id) {
    return { ...location, problems: [{ file, field: ID_FIELD[location.kind], message: `must equal the file name stem: expected ${location.id}, found ${id}` }] };
  }
  return { ...location, document: result.document };
}

export const readQueueFile = async (paths: WorkspacePaths, location: QueueLocation) => readQueueFileSync(paths, location);

type CachedParse = { stat: BigIntStats; entry: QueueItem | InvalidQueueFile };
const parsedFiles = new Map<string, CachedParse>();
const CACHE_LIMIT = 100_000;

const sameFile = (a: BigIntStats, b: BigIntStats) => a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;

/**
 * readQueueFileSync, reusing this process's previous parse while the file's inode, size, mtime and ctime are
 * unchanged (any write or rename changes ctime). For the long-running daemon, which scans every claim.
 */
function readQueueFileReusing(paths: WorkspacePaths, location: QueueLocation): QueueItem | InvalidQueueFile | undefined {
  let stat: BigIntStats;
  try {
    stat = statSync(location.path, { bigint: true });
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
  const cached = parsedFiles.get(location.path);
  if (cached && sameFile(cached.stat, stat) && cached.entry.kind === location.kind && cached.entry.state === location.state) return cached.entry;
  const entry = readQueueFileSync(paths, location);
  if (entry) {
    if (parsedFiles.size >= CACHE_LIMIT) parsedFiles.clear();
    parsedFiles.set(location.path, { stat, entry });
  }
  return entry;
}

export type ListOptions = {
  /** Reuse earlier parses of unchanged files (same inode, size, mtime, ctime). Returned documents are shared: do not mutate them. */
  reuseParsed?: boolean;
};

/** Every document in the scoped folders: valid items, invalid files (reported, never deleted) and duplicate ids. */
export async function listQueue(paths: WorkspacePaths, scope: ScanScope = FULL_SCOPE, options: ListOptions = {}): Promise<QueueListing> {
  const locations = await listQueueLocations(paths, scope);
  const read = locations.map((location) => (options.reuseParsed ? readQueueFileReusing(paths, location) : readQueueFileSync(paths, location)));
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
  const byKey = new Map<string, QueueLocation[]>();
  for (const location of locations) {
    const key = `${location.kind}\u0000${location.id}`;
    byKey.set(key, [...(byKey.get(key) ?? []), location]);
  }
  return [...byKey.values()].filter((group) => group.length > 1).map((group) => ({ kind: group[0]!.kind, id: group[0]!.id, locations: group }));
}

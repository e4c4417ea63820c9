import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, type BigIntStats, type Stats } from 'node:fs';
import { readBoundedTextSync } from '../bounded-read.js';
import { join, sep } from 'node:path';
import { z } from 'zod';
import type { WorkDocument, WorkDocumentKind } from '../../contracts/documents.js';
import type { QueueState } from '../../contracts/queue-move.js';
import { HOST_CODE_EXT, HOST_CODE_ROOT } from '../../contracts/asset-root.js';
import { MillraceError } from '../../errors/index.js';
import { formatProblem, type DocumentProblem } from '../documents/problems.js';
import { writeTextAtomic } from '../state/atomic-write.js';
import type { WorkspacePaths } from '../paths.js';
import type { ParseStore } from './parse-cache.js';
import { displayPath } from './layout.js';
import type { ParsedQueueFile, QueueLocation, ScanScope } from './queue-files.js';
import type { ClaimFacts } from './select.js';

/**
 * `state/queue_parse_cache.json`: what one-shot read commands (`queue ls`, `status`, `doctor`) need from every queue
 * file, so that they do not parse every document again: per file its stat key (inode, size, mtime and ctime in ms, as
 * a plain `lstat` gives them: no BigInt stats on the hot path) and either the claim facts of a valid document or the
 * problems of an invalid one, grouped by folder (`tasks/queue`) and file stem. Two lines: a header
 * (zod-validated) holding the sha256 of the entries line and a fingerprint of the code that parses documents, then
 * the entries.
 *
 * Document contents are not cached: a caller that reads `document` of a cached item gets the file parsed and
 * validated at that moment. The facts were derived from validated documents, and the digest proves they are what was
 * written; any mismatch discards the whole cache (derived data: deleting it only costs one slower scan).
 */

const FORMAT = 'millrace.queue_parse_cache/5';

/** Rewritten by read commands themselves, so file watchers ignore it. */
export const queueParseCachePath = (paths: Pick<WorkspacePaths, 'state'>) => join(paths.state, 'queue_parse_cache.json');
const HeaderSchema = z.strictObject({ format: z.literal(FORMAT), fingerprint: z.string(), sha256: z.string() });

/** What a parse found, without the document: claim facts of a valid file, or the problems of an invalid one. */
type ParseFacts =
  | [atMs: number | null, atSubMsNanos: number, dependsOn: string[], rootSpecId: string | null]
  | [problems: DocumentProblem[]];
/** Inode, size, mtime and ctime (ms, with the fraction a plain stat has); one flat array per file keeps loading cheap. */
type StatKey = [ino: number, size: number, mtimeMs: number, ctimeMs: number];
type StoredEntry = [...StatKey, ...ParseFacts];
const FACTS = 4;

/** What `Stats.mtimeMs` holds for a time of `ns` nanoseconds (seconds and nanoseconds combined as Node does). */
const msOf = (ns: bigint): number => Number(ns / 1_000_000_000n) * 1000 + Number(ns % 1_000_000_000n) / 1e6;
/** The stat key of the file a read stat'ed (BigInt stats), equal to the key of a plain stat of the unchanged file. */
const keyOfRead = (stat: BigIntStats): StatKey => [Number(stat.ino), Number(stat.size), msOf(stat.mtimeNs), msOf(stat.ctimeNs)];
const matches = (stored: StoredEntry, stat: Stats): boolean =>
  stored[0] === stat.ino && stored[1] === stat.size && stored[2] === stat.mtimeMs && stored[3] === stat.ctimeMs;
type Folder = Record<string, StoredEntry>;

const KIND_DIR: Record<WorkDocumentKind, string> = { task: 'tasks', spec: 'specs', incident: 'incidents' };
/** Folder keys (`tasks/queue`), made once rather than per file. */
const FOLDER_KEYS: Record<WorkDocumentKind, Partial<Record<QueueState, string>>> = { task: {}, spec: {}, incident: {} };
const folderOf = (kind: WorkDocumentKind, state: QueueState): string => (FOLDER_KEYS[kind][state] ??= `${KIND_DIR[kind]}/${state}`);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let fingerprint: string | undefined;
/**
 * The host version plus the source of every module that decides how a document parses (tsc's compiled modules, which
 * ship next to the bundled commands, or TypeScript in development).
 */
function parserFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const queueDir = join(HOST_CODE_ROOT, 'workspace', 'queue');
  const documentsDir = join(HOST_CODE_ROOT, 'workspace', 'documents');
  const ext = HOST_CODE_EXT;
  const sources = [
    join(HOST_CODE_ROOT, '..', 'package.json'),
    join(HOST_CODE_ROOT, 'contracts', `documents${ext}`),
    join(HOST_CODE_ROOT, 'contracts', `input-limits${ext}`),
    join(HOST_CODE_ROOT, 'workspace', `bounded-read${ext}`),
    ...['scan', 'read-queue-file', 'select', 'parse-cache', 'persisted-parse-cache'].map((name) => join(queueDir, `${name}${ext}`)),
    ...readdirSync(documentsDir).filter((name) => name.endsWith(ext)).sort().map((name) => join(documentsDir, name)),
  ];
  const hash = createHash('sha256');
  for (const source of sources) hash.update(source.slice(source.lastIndexOf(sep))).update(readFileSync(source));
  fingerprint = hash.digest('hex');
  return fingerprint;
}

/** The facts of a parse, as stored. */
function factsOf(parsed: ParsedQueueFile): ParseFacts {
  if ('problems' in parsed) return [parsed.problems];
  const { at, dependsOn, rootSpecId } = parsed.claim;
  return [at?.ms ?? null, at?.subMsNanos ?? 0, [...dependsOn], rootSpecId];
}

/**
 * A valid item rebuilt from its stored facts. Its `document` is the file parsed when first asked for; when the file
 * changed into an invalid document since the facts were taken, that read says so. A class, because scans make
 * thousands: the getter lives once on the prototype, and the reader stays private (equality sees only the item).
 */
class CachedQueueItem {
  readonly kind: WorkDocumentKind;
  readonly state: QueueState;
  readonly id: string;
  readonly path: string;
  readonly claim: ClaimFacts;
  readonly #parse: (location: QueueLocation) => ParsedQueueFile | undefined;
  readonly #paths: WorkspacePaths;
  #document: WorkDocument | undefined;

  constructor(location: QueueLocation, stored: StoredEntry, parse: (location: QueueLocation) => ParsedQueueFile | undefined, paths: WorkspacePaths) {
    this.kind = location.kind;
    this.state = location.state;
    this.id = location.id;
    this.path = location.path;
    const atMs = stored[FACTS] as number | null;
    this.claim = { at: atMs === null ? null : { ms: atMs, subMsNanos: stored[FACTS + 1] as number }, dependsOn: stored[FACTS + 2] as string[], rootSpecId: stored[FACTS + 3] as string | null };
    this.#parse = parse;
    this.#paths = paths;
  }

  get document(): WorkDocument {
    return (this.#document ??= documentNow(this, this.#parse, this.#paths));
  }
}

/** What a scan lists for a stored entry: the problems of an invalid file, or a valid item with facts only. */
function itemOf(location: QueueLocation, stored: StoredEntry, parse: (location: QueueLocation) => ParsedQueueFile | undefined, paths: WorkspacePaths): ParsedQueueFile {
  if (stored.length === FACTS + 1) return { kind: location.kind, state: location.state, id: location.id, path: location.path, problems: stored[FACTS] as DocumentProblem[] };
  return new CachedQueueItem(location, stored, parse, paths);
}

function documentNow(location: QueueLocation, parse: (location: QueueLocation) => ParsedQueueFile | undefined, paths: WorkspacePaths): WorkDocument {
  const parsed = parse(location);
  const file = displayPath(paths, location.path);
  if (parsed === undefined) throw new MillraceError('NOT_FOUND', `${file}: moved or removed while being read`, { file });
  if ('problems' in parsed) throw new MillraceError('DOCUMENT_INVALID', parsed.problems.map(formatProblem).join('\n'), { file });
  return parsed.document;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The on-disk cache of one workspace, loaded for one scan and saved after it when anything changed. */
export class PersistedParseCache implements ParseStore {
  /** What the next save writes, by folder and stem: entries still in use and new parses. */
  private readonly next = new Map<string, Map<string, StoredEntry>>();
  private changed: boolean;

  private constructor(
    private readonly paths: WorkspacePaths,
    private readonly file: string,
    private readonly folders: Record<string, unknown>,
    loaded: boolean,
  ) {
    this.changed = !loaded;
  }

  /** A missing, unreadable, corrupt or outdated cache file starts an empty cache. */
  static load(paths: WorkspacePaths): PersistedParseCache {
    const file = queueParseCachePath(paths);
    try {
      const text = readBoundedTextSync(file, 'state file', { noFollow: true })?.text ?? '';
      const headerEnd = text.indexOf('\n');
      const body = text.slice(headerEnd + 1);
      const header = HeaderSchema.safeParse(JSON.parse(text.slice(0, headerEnd)));
      if (header.success && header.data.fingerprint === parserFingerprint() && header.data.sha256 === sha256(body)) {
        const folders: unknown = JSON.parse(body);
        if (isRecord(folders)) return new PersistedParseCache(paths, file, folders, true);
      }
    } catch {
      // missing, too large, not a regular file or not JSON: start empty
    }
    return new PersistedParseCache(paths, file, {}, false);
  }

  /** Whether the cache has entries for a folder (its files were listed and cached by an earlier scan). */
  knowsFolder(kind: WorkDocumentKind, state: QueueState): boolean {
    return isRecord(this.folders[folderOf(kind, state)]);
  }

  knows(location: QueueLocation): boolean {
    return this.stored(location) !== undefined;
  }

  /** The stored parse of a file whose plain `lstat` is `stat`; undefined when absent or stale. */
  take(location: QueueLocation, stat: Stats, parse: (location: QueueLocation) => ParsedQueueFile | undefined): ParsedQueueFile | undefined {
    const stored = this.stored(location);
    if (stored === undefined || !matches(stored, stat)) return undefined;
    this.keepStored(location, stored);
    return itemOf(location, stored, parse, this.paths);
  }

  record(location: QueueLocation, parsed: ParsedQueueFile, stat: BigIntStats, racy: boolean, parse: (location: QueueLocation) => ParsedQueueFile | undefined): ParsedQueueFile {
    this.changed = true;
    const stored = [...keyOfRead(stat), ...factsOf(parsed)] as StoredEntry;
    if (!racy) this.keepStored(location, stored);
    return itemOf(location, stored, parse, this.paths);
  }

  /** Write the entries this scan used (and the folders outside it) when any is new or any went unused. Best effort. */
  async save(scope: ScanScope): Promise<void> {
    let loadedInScope = 0;
    for (const [folder, entries] of Object.entries(this.folders)) if (isRecord(entries) && inScope(folder, scope)) loadedInScope += Object.keys(entries).length;
    let keptInScope = 0;
    for (const [folder, entries] of this.next) if (inScope(folder, scope)) keptInScope += entries.size;
    if (!this.changed && keptInScope === loadedInScope) return;
    const folders: Record<string, Folder> = {};
    for (const [folder, entries] of Object.entries(this.folders)) if (isRecord(entries) && !inScope(folder, scope)) folders[folder] = entries as Folder;
    for (const [folder, entries] of this.next) folders[folder] = Object.fromEntries(entries);
    const body = JSON.stringify(folders);
    try {
      const header = JSON.stringify({ format: FORMAT, fingerprint: parserFingerprint(), sha256: sha256(body) });
      await writeTextAtomic(this.file, `${header}\n${body}`);
    } catch {
      // a read-only workspace (or an install without the parser sources) only loses the speed-up
    }
  }

  private stored(location: QueueLocation): StoredEntry | undefined {
    const folder = this.folders[folderOf(location.kind, location.state)];
    if (!isRecord(folder)) return undefined;
    const stored = folder[location.id];
    return Array.isArray(stored) && stored.length > FACTS ? (stored as StoredEntry) : undefined;
  }

  private keepStored(location: QueueLocation, stored: StoredEntry): void {
    const folder = folderOf(location.kind, location.state);
    let entries = this.next.get(folder);
    if (entries === undefined) this.next.set(folder, (entries = new Map()));
    entries.set(location.id, stored);
  }
}

const DIR_KIND: Record<string, WorkDocumentKind> = { tasks: 'task', specs: 'spec', incidents: 'incident' };

/** Whether a folder key (`tasks/queue`) is one a scan covered. */
function inScope(folder: string, scope: ScanScope): boolean {
  const [dir = '', state = ''] = folder.split('/');
  const kind = DIR_KIND[dir];
  return kind !== undefined && (scope[kind] as readonly string[] | undefined)?.includes(state) === true;
}

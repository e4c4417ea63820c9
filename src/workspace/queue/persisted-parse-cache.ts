import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, type BigIntStats } from 'node:fs';
import { join, sep } from 'node:path';
import * as z from '@millrace/plugin-api/zod';
import type { WorkDocumentKind } from '../../contracts/documents.js';
import type { QueueState } from '../../contracts/queue-move.js';
import { HOST_CODE_EXT, HOST_CODE_ROOT } from '../../contracts/asset-root.js';
import { readBoundedBytesSync } from '../bounded-read.js';
import { writeTextAtomic } from '../state/atomic-write.js';
import type { WorkspacePaths } from '../paths.js';
import { ScannedFolder, isRecord, isStoredFolder, msOfNs, type FreshEntry, type StoredFolder } from './cache-columns.js';
import { ListedQueueItem } from './listed-item.js';
import { isRacy, nowNs, statKeyOf } from './parse-cache.js';
import type { InvalidQueueFile, ParsedQueueFile, ScanScope } from './queue-files.js';

/**
 * `state/queue_parse_cache.json`: what one-shot read commands (`queue ls`, `status`, `doctor`, `run once`'s claim) need
 * from every queue file, so that they do not parse every document again. Two lines: a header (zod-validated) holding
 * the sha256 of the body line and a fingerprint of the code that parses documents, then the body: per folder
 * (`tasks/queue`) one set of columns over its cached files in name order (persisted-scan.ts lists folders sorted, so a
 * warm scan finds each file's entry at its own position): the stems joined by `/` (never part of a file name), each
 * file's stat key (inode, size, mtime and ctime in ms, as a plain `lstat` gives them) and its parse facts: the claim
 * facts of a valid document (`at`, `sub`, and `deps`/`roots` for the few files that have any), or the `problems` of an
 * invalid one. Columns load as a handful of arrays instead of an object per file.
 *
 * Document contents are not cached: a caller that reads `document` of a cached item gets the file parsed and
 * validated at that moment. The facts were derived from validated documents, and the digest proves they are what was
 * written; any mismatch discards the whole cache (derived data: deleting it only costs one slower scan).
 */

const FORMAT = 'millrace.queue_parse_cache/6';

/** Rewritten by read commands themselves, so file watchers ignore it. */
export const queueParseCachePath = (paths: Pick<WorkspacePaths, 'state'>) => join(paths.state, 'queue_parse_cache.json');
const HeaderSchema = z.strictObject({ format: z.literal(FORMAT), fingerprint: z.string(), sha256: z.string() });


const KIND_DIR: Record<WorkDocumentKind, string> = { task: 'tasks', spec: 'specs', incident: 'incidents' };
const folderKey = (kind: WorkDocumentKind, state: QueueState): string => `${KIND_DIR[kind]}/${state}`;

const sha256 = (content: string | Uint8Array) => createHash('sha256').update(content).digest('hex');

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
    ...['scan', 'persisted-scan', 'cache-columns', 'listed-item', 'read-queue-file', 'select', 'parse-cache', 'persisted-parse-cache'].map((name) => join(queueDir, `${name}${ext}`)),
    ...readdirSync(documentsDir).filter((name) => name.endsWith(ext)).sort().map((name) => join(documentsDir, name)),
  ];
  const hash = createHash('sha256');
  for (const source of sources) hash.update(source.slice(source.lastIndexOf(sep))).update(readFileSync(source));
  fingerprint = hash.digest('hex');
  return fingerprint;
}

/**
 * Unused entries a scan may leave in the file rather than rewrite it: at most one in this many of those loaded for
 * the scanned folders. A claim moves one file out of a 10,000-file queue, and rewriting the ~0.8 MB cache to drop
 * its entry was most of the claim's memory and a good part of its time; an unused entry only costs its bytes in the
 * file (a file is only ever matched to the entry stored under its own name, with its own stat).
 */
const UNUSED_SHARE = 16;

/**
 * The body parsed by the last load in this process and the stat key of the file it came from: the next load takes it
 * again while the file is unchanged (a claim lists the planning folders, then the execution folders). Held weakly,
 * so it never keeps the parsed columns in memory past a garbage collection.
 */
let lastLoaded: { file: string; statKey: string; folders: WeakRef<Record<string, unknown>> } | undefined;

/** The on-disk cache of one workspace, loaded for one scan and saved after it when anything changed. */
export class PersistedParseCache {
  private readonly scanned: ScannedFolder[] = [];
  /** The loaded folders whose columns have the right shape (any other is ignored, and dropped by the next save). */
  private readonly folders = new Map<string, StoredFolder>();
  private changed: boolean;

  private constructor(
    private readonly paths: WorkspacePaths,
    private readonly file: string,
    loaded: Record<string, unknown> | undefined,
  ) {
    for (const [key, folder] of Object.entries(loaded ?? {})) if (isStoredFolder(folder)) this.folders.set(key, folder);
    this.changed = loaded === undefined;
  }

  /** A missing, unreadable, corrupt or outdated cache file starts an empty cache. */
  static load(paths: WorkspacePaths): PersistedParseCache {
    const file = queueParseCachePath(paths);
    try {
      const again = lastLoaded?.file === file ? lastLoaded : undefined;
      lastLoaded = undefined;
      if (again !== undefined) {
        const stat = lstatSync(file, { bigint: true, throwIfNoEntry: false });
        const folders = stat !== undefined && statKeyOf(stat) === again.statKey ? again.folders.deref() : undefined;
        if (folders !== undefined) {
          lastLoaded = again;
          return new PersistedParseCache(paths, file, folders);
        }
      }
      const read = readBoundedBytesSync(file, 'state file', { noFollow: true });
      const bytes = read?.bytes;
      const headerEnd = bytes?.indexOf(0x0a) ?? -1;
      if (bytes !== undefined && headerEnd !== -1) {
        const header = HeaderSchema.safeParse(JSON.parse(bytes.toString('utf8', 0, headerEnd)));
        if (header.success && header.data.fingerprint === parserFingerprint() && header.data.sha256 === sha256(bytes.subarray(headerEnd + 1))) {
          const folders: unknown = JSON.parse(bytes.toString('utf8', headerEnd + 1));
          if (isRecord(folders)) {
            if (!isRacy(read!.stat, nowNs())) lastLoaded = { file, statKey: statKeyOf(read!.stat), folders: new WeakRef(folders) };
            return new PersistedParseCache(paths, file, folders);
          }
        }
      }
    } catch {
      // missing, too large, not a regular file or not JSON: start empty
    }
    return new PersistedParseCache(paths, file, undefined);
  }

  /** Start scanning one folder: its loaded columns, if the cache has usable ones (its files were listed before). */
  folder(kind: WorkDocumentKind, state: QueueState, dir: string): ScannedFolder {
    const folder = new ScannedFolder(this.paths, kind, state, dir, this.folders.get(folderKey(kind, state)));
    this.scanned.push(folder);
    return folder;
  }

  /** The item for a loaded entry whose stat key still matches. */
  reuse(folder: ScannedFolder, id: string, position: number): ParsedQueueFile {
    folder.keep(id, position);
    if (folder.isValid(position)) return new ListedQueueItem(folder, id, position);
    return { kind: folder.kind, state: folder.state, id, path: `${folder.dir}${sep}${id}.md`, problems: folder.problemsAt(position) };
  }

  /** A fresh parse and the stat of what was read (a racy one is listed but not stored); returns the item to list. */
  record(folder: ScannedFolder, parsed: ParsedQueueFile, stat: BigIntStats, racy: boolean): ParsedQueueFile {
    this.changed = true;
    const entry: FreshEntry = {
      ino: Number(stat.ino),
      size: Number(stat.size),
      mtime: msOfNs(stat.mtimeNs),
      ctime: msOfNs(stat.ctimeNs),
      claim: 'claim' in parsed ? parsed.claim : null,
      problems: 'problems' in parsed ? parsed.problems : null,
    };
    if (!racy) folder.keepFresh(parsed.id, entry);
    if ('problems' in parsed) return parsed satisfies InvalidQueueFile;
    return new ListedQueueItem(folder, parsed.id, -1, parsed.claim);
  }

  /**
   * Write the entries this scan used (and the folders outside it) when any is new, or when more than one in
   * UNUSED_SHARE of those loaded for its folders went unused (files moved or removed since). Best effort.
   */
  async save(scope: ScanScope): Promise<void> {
    let loadedInScope = 0;
    for (const [folder, entries] of this.folders) if (inScope(folder, scope)) loadedInScope += entries.ino.length;
    let keptInScope = 0;
    for (const folder of this.scanned) keptInScope += folder.keptIds.length;
    if (!this.changed && (loadedInScope - keptInScope) * UNUSED_SHARE <= loadedInScope) return;
    lastLoaded = undefined;
    const folders: Record<string, StoredFolder> = {};
    for (const [folder, entries] of this.folders) if (!inScope(folder, scope)) folders[folder] = entries;
    for (const folder of this.scanned) if (folder.keptIds.length > 0) folders[folderKey(folder.kind, folder.state)] = folder.columns();
    const body = JSON.stringify(folders);
    try {
      const header = JSON.stringify({ format: FORMAT, fingerprint: parserFingerprint(), sha256: sha256(body) });
      await writeTextAtomic(this.file, `${header}\n${body}`);
    } catch {
      // a read-only workspace (or an install without the parser sources) only loses the speed-up
    }
  }
}

const DIR_KIND: Record<string, WorkDocumentKind> = { tasks: 'task', specs: 'spec', incidents: 'incident' };

/** Whether a folder key (`tasks/queue`) is one a scan covered. */
function inScope(folder: string, scope: ScanScope): boolean {
  const [dir = '', state = ''] = folder.split('/');
  const kind = DIR_KIND[dir];
  return kind !== undefined && (scope[kind] as readonly string[] | undefined)?.includes(state) === true;
}

import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { WorkDocument, WorkDocumentKind } from '../../contracts/documents.js';
import { MillraceError } from '../../errors/index.js';
import { formatProblem, type DocumentProblem } from '../documents/index.js';
import { writeTextAtomic } from '../state/atomic-write.js';
import type { WorkspacePaths } from '../paths.js';
import type { CachedParse, ParseStore } from './parse-cache.js';
import type { ParsedQueueFile, QueueLocation, ScanScope } from './queue-files.js';

/**
 * `state/queue_parse_cache.json`: what one-shot read commands (`queue ls`, `status`, `doctor`) need from every queue
 * file, so that they do not parse every document again: per file its stat key, location, and either the claim facts
 * of a valid document or the problems of an invalid one. Two lines: a header (zod-validated) holding the sha256 of
 * the entries line and a fingerprint of the code that parses documents, then the entries.
 *
 * Document contents are not cached: a caller that reads `document` of a cached item gets the file parsed and
 * validated at that moment. The facts were derived from validated documents, and the digest proves they are what was
 * written; any mismatch discards the whole cache (derived data: deleting it only costs one slower scan).
 */

const FORMAT = 'millrace.queue_parse_cache/3';
const HeaderSchema = z.strictObject({ format: z.literal(FORMAT), fingerprint: z.string(), sha256: z.string() });

type Located = [statKey: string, kind: string, state: string, id: string];
type ValidEntry = [...Located, 'valid', atMs: number | null, atSubMsNanos: number, dependsOn: string[], rootSpecId: string | null];
type InvalidEntry = [...Located, 'invalid', problems: DocumentProblem[]];
type StoredEntry = ValidEntry | InvalidEntry;

const KIND_DIR: Record<WorkDocumentKind, string> = { task: 'tasks', spec: 'specs', incident: 'incidents' };
const DIR_KIND: Record<string, WorkDocumentKind> = { tasks: 'task', specs: 'spec', incidents: 'incident' };
const keyOf = (location: QueueLocation) => `${KIND_DIR[location.kind]}/${location.state}/${location.id}.md`;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let fingerprint: string | undefined;
/** The host version plus the source of every module that decides how a document parses (compiled or TypeScript). */
function parserFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  const documentsDir = join(dirname(here), '..', 'documents');
  const sources = [
    join(dirname(here), '..', '..', '..', 'package.json'),
    join(dirname(here), '..', '..', 'contracts', `documents${ext}`),
    ...['scan', 'select', 'parse-cache', 'persisted-parse-cache'].map((name) => join(dirname(here), `${name}${ext}`)),
    ...readdirSync(documentsDir).filter((name) => name.endsWith(ext)).sort().map((name) => join(documentsDir, name)),
  ];
  const hash = createHash('sha256');
  for (const source of sources) hash.update(source.slice(source.lastIndexOf(sep))).update(readFileSync(source));
  fingerprint = hash.digest('hex');
  return fingerprint;
}

function storedOf(entry: CachedParse): StoredEntry {
  const { parsed } = entry;
  if ('problems' in parsed) return [entry.statKey, parsed.kind, parsed.state, parsed.id, 'invalid', parsed.problems];
  const { at, dependsOn, rootSpecId } = parsed.claim;
  return [entry.statKey, parsed.kind, parsed.state, parsed.id, 'valid', at?.ms ?? null, at?.subMsNanos ?? 0, [...dependsOn], rootSpecId];
}

/** A cached item's document: the file parsed now. It changed into an invalid document since it was cached: say so. */
function documentNow(location: QueueLocation, parse: () => ParsedQueueFile | undefined): WorkDocument {
  const parsed = parse();
  if (parsed === undefined) throw new MillraceError('NOT_FOUND', `${keyOf(location)}: moved or removed while being read`, { file: keyOf(location) });
  if ('problems' in parsed) throw new MillraceError('DOCUMENT_INVALID', parsed.problems.map(formatProblem).join('\n'), { file: keyOf(location) });
  return parsed.document;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether an entry key (`tasks/queue/x.md`) lies in a folder a scan covered. */
function inScope(key: string, scope: ScanScope): boolean {
  const [dir = '', state = ''] = key.split('/');
  const kind = DIR_KIND[dir];
  return kind !== undefined && (scope[kind] as readonly string[] | undefined)?.includes(state) === true;
}

/** The on-disk cache of one workspace, loaded for one scan and saved after it when anything changed. */
export class PersistedParseCache implements ParseStore {
  /** What the next save writes: entries still in use and new parses. */
  private readonly next = new Map<string, StoredEntry>();
  private changed: boolean;

  private constructor(
    private readonly file: string,
    private readonly entries: Record<string, unknown>,
    loaded: boolean,
  ) {
    this.changed = !loaded;
  }

  /** A missing, unreadable, corrupt or outdated cache file starts an empty cache. */
  static load(paths: WorkspacePaths): PersistedParseCache {
    const file = join(paths.state, 'queue_parse_cache.json');
    try {
      const text = readFileSync(file, 'utf8');
      const headerEnd = text.indexOf('\n');
      const body = text.slice(headerEnd + 1);
      const header = HeaderSchema.safeParse(JSON.parse(text.slice(0, headerEnd)));
      if (header.success && header.data.fingerprint === parserFingerprint() && header.data.sha256 === sha256(body)) {
        const entries: unknown = JSON.parse(body);
        if (isRecord(entries)) return new PersistedParseCache(file, entries, true);
      }
    } catch {
      // missing or not JSON: start empty
    }
    return new PersistedParseCache(file, {}, false);
  }

  knows(location: QueueLocation): boolean {
    return Array.isArray(this.entries[keyOf(location)]);
  }

  take(location: QueueLocation, statKey: string, parse: () => ParsedQueueFile | undefined): CachedParse | undefined {
    const key = keyOf(location);
    const stored = this.matching(key, location, statKey);
    if (stored === undefined) return undefined;
    this.next.set(key, stored);
    const { kind, state, id, path } = location;
    if (stored[4] === 'invalid') return { statKey, parsed: { kind, state, id, path, problems: stored[5] } };
    const [, , , , , atMs, atSubMsNanos, dependsOn, rootSpecId] = stored;
    let document: WorkDocument | undefined;
    const parsed: ParsedQueueFile = {
      kind,
      state,
      id,
      path,
      claim: { at: atMs === null ? null : { ms: atMs, subMsNanos: atSubMsNanos }, dependsOn, rootSpecId },
      get document(): WorkDocument {
        return (document ??= documentNow(location, parse));
      },
    };
    return { statKey, parsed };
  }

  keep(location: QueueLocation, entry: CachedParse): void {
    const key = keyOf(location);
    const stored = this.matching(key, location, entry.statKey);
    if (stored === undefined) this.record(location, entry, false);
    else this.next.set(key, stored);
  }

  record(location: QueueLocation, entry: CachedParse, racy: boolean): void {
    this.changed = true;
    if (!racy) this.next.set(keyOf(location), storedOf(entry));
  }

  /** Write the entries this scan used (and those outside its folders) when any is new or any went unused. Best effort. */
  async save(scope: ScanScope): Promise<void> {
    for (const [key, raw] of Object.entries(this.entries)) {
      if (!this.next.has(key) && !inScope(key, scope) && Array.isArray(raw)) this.next.set(key, raw as StoredEntry);
    }
    if (!this.changed && this.next.size === Object.keys(this.entries).length) return;
    const body = JSON.stringify(Object.fromEntries(this.next));
    try {
      const header = JSON.stringify({ format: FORMAT, fingerprint: parserFingerprint(), sha256: sha256(body) });
      await writeTextAtomic(this.file, `${header}\n${body}`);
    } catch {
      // a read-only workspace (or an install without the parser sources) only loses the speed-up
    }
  }

  private matching(key: string, location: QueueLocation, statKey: string): StoredEntry | undefined {
    const raw = this.entries[key];
    if (!Array.isArray(raw)) return undefined;
    const stored = raw as StoredEntry;
    return stored[0] === statKey && stored[1] === location.kind && stored[2] === location.state && stored[3] === location.id ? stored : undefined;
  }
}

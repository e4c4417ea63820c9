import type { BigIntStats, Stats } from 'node:fs';
import type { WorkDocumentKind } from '../../contracts/documents.js';
import type { QueueState } from '../../contracts/queue-move.js';
import type { DocumentProblem } from '../documents/problems.js';
import type { WorkspacePaths } from '../paths.js';
import type { ClaimFacts } from './select.js';

/** The parse cache's columns (persisted-parse-cache.ts): one folder's as stored, and as one scan reads and keeps them. */

/** One folder's cached files, in name order; sparse columns are keyed by position. */
export type StoredFolder = {
  names: string;
  ino: number[];
  size: number[];
  mtime: number[];
  ctime: number[];
  /** `created_at` (incidents `opened_at`) in ms and its sub-ms nanoseconds; null when absent or the file is invalid. */
  at: Array<number | null>;
  sub: number[];
  deps: Record<string, string[]>;
  roots: Record<string, string>;
  problems: Record<string, DocumentProblem[]>;
};
export const NAME_SEPARATOR = '/';

/** What `Stats.mtimeMs` holds for a time of `ns` nanoseconds (seconds and nanoseconds combined as Node does). */
export const msOfNs = (ns: bigint): number => Number(ns / 1_000_000_000n) * 1000 + Number(ns % 1_000_000_000n) / 1e6;

/** A fresh parse's entry: stat key and facts. */
export type FreshEntry = { ino: number; size: number; mtime: number; ctime: number; claim: ClaimFacts | null; problems: DocumentProblem[] | null };

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const NO_DEPENDENCIES: readonly string[] = Object.freeze([]);

/** How many names a joined `names` column holds. */
export function countNames(names: string): number {
  if (names === '') return 0;
  let count = 1;
  for (let at = names.indexOf(NAME_SEPARATOR); at !== -1; at = names.indexOf(NAME_SEPARATOR, at + 1)) count += 1;
  return count;
}

/** The columns are what this code wrote (the digest proved it); only their shape is checked before use. */
export function isStoredFolder(value: unknown): value is StoredFolder {
  if (!isRecord(value) || typeof value.names !== 'string') return false;
  const count = countNames(value.names);
  for (const column of ['ino', 'size', 'mtime', 'ctime', 'at', 'sub'] as const) {
    const array = value[column];
    if (!Array.isArray(array) || array.length !== count) return false;
  }
  return isRecord(value.deps) && isRecord(value.roots) && isRecord(value.problems);
}

/**
 * One scanned folder: where its files are and where their facts come from (the loaded columns, or fresh parses).
 * Items point at it instead of each holding a path and a claim: a 10,000-file queue lists 10,000 small objects.
 */
export class ScannedFolder {
  constructor(
    readonly paths: WorkspacePaths,
    readonly kind: WorkDocumentKind,
    readonly state: QueueState,
    readonly dir: string,
    readonly stored: StoredFolder | undefined,
  ) {}

  #positions: Map<string, number> | undefined;
  /** Kept entries, in scan order: a loaded position, or -1 - k for the k-th fresh entry. */
  readonly keptIds: string[] = [];
  readonly keptFrom: number[] = [];
  readonly fresh: FreshEntry[] = [];

  /** The position of a stem in the loaded columns (-1: not cached). */
  positionOf(id: string): number {
    if (this.stored === undefined) return -1;
    if (this.#positions === undefined) {
      this.#positions = new Map();
      if (this.stored.names !== '') this.stored.names.split(NAME_SEPARATOR).forEach((name, index) => this.#positions!.set(name, index));
    }
    return this.#positions.get(id) ?? -1;
  }

  /** Use the loaded positions as they are: the listing holds exactly the cached names, in the same order. */
  alignWith(ids: readonly string[]): boolean {
    return this.stored !== undefined && this.stored.names === ids.join(NAME_SEPARATOR);
  }

  /**
   * `positionOf` for ids asked in listing order (file names sorted by code unit), found by walking the loaded names
   * alongside: the columns hold their files in that same order, so one pass finds every cached id, without a map of
   * all the names. A loaded name the walk passes is a file gone since (its entry goes unused); an id the walk does not
   * meet is not cached (-1), and an id is only ever found at its own name.
   */
  walkInListingOrder(): (id: string) => number {
    const names = this.stored?.names ?? '';
    let at = 0;
    let position = 0;
    return (id) => {
      while (at < names.length) {
        const separator = names.indexOf(NAME_SEPARATOR, at);
        const end = separator === -1 ? names.length : separator;
        const same = end - at === id.length && names.startsWith(id, at);
        // The listing sorted `<id>.md` names, and a stem's order can differ from its file name's (`a-b` / `a.md`).
        if (!same && `${names.slice(at, end)}.md` > `${id}.md`) return -1;
        at = end + 1;
        position += 1;
        if (same) return position - 1;
      }
      return -1;
    };
  }

  matches(position: number, stat: Stats): boolean {
    return this.storedAs(position, stat.ino, stat.size, stat.mtimeMs, stat.ctimeMs);
  }

  /** `matches` for a bigint stat (times compared as the ms values a plain stat gives). */
  matchesNs(position: number, stat: BigIntStats): boolean {
    return this.storedAs(position, Number(stat.ino), Number(stat.size), msOfNs(stat.mtimeNs), msOfNs(stat.ctimeNs));
  }

  private storedAs(position: number, ino: number, size: number, mtimeMs: number, ctimeMs: number): boolean {
    const stored = this.stored!;
    return stored.ino[position] === ino && stored.size[position] === size && stored.mtime[position] === mtimeMs && stored.ctime[position] === ctimeMs;
  }

  isValid(position: number): boolean {
    return this.stored!.problems[position] === undefined;
  }

  problemsAt(position: number): DocumentProblem[] {
    return this.stored!.problems[position]!;
  }

  claimAt(position: number): ClaimFacts {
    const stored = this.stored!;
    const ms = stored.at[position]!;
    return { at: ms === null ? null : { ms, subMsNanos: stored.sub[position]! }, dependsOn: stored.deps[position] ?? NO_DEPENDENCIES, rootSpecId: stored.roots[position] ?? null };
  }

  keep(id: string, position: number): void {
    this.keptIds.push(id);
    this.keptFrom.push(position);
  }

  keepFresh(id: string, entry: FreshEntry): void {
    this.keptIds.push(id);
    this.keptFrom.push(-1 - this.fresh.length);
    this.fresh.push(entry);
  }

  /** The columns of the entries kept by this scan. */
  columns(): StoredFolder {
    const out: StoredFolder = { names: this.keptIds.join(NAME_SEPARATOR), ino: [], size: [], mtime: [], ctime: [], at: [], sub: [], deps: {}, roots: {}, problems: {} };
    this.keptFrom.forEach((from, index) => {
      if (from >= 0) {
        const stored = this.stored!;
        out.ino.push(stored.ino[from]!);
        out.size.push(stored.size[from]!);
        out.mtime.push(stored.mtime[from]!);
        out.ctime.push(stored.ctime[from]!);
        out.at.push(stored.at[from]!);
        out.sub.push(stored.sub[from]!);
        if (stored.deps[from] !== undefined) out.deps[index] = stored.deps[from]!;
        if (stored.roots[from] !== undefined) out.roots[index] = stored.roots[from]!;
        if (stored.problems[from] !== undefined) out.problems[index] = stored.problems[from]!;
        return;
      }
      const entry = this.fresh[-1 - from]!;
      out.ino.push(entry.ino);
      out.size.push(entry.size);
      out.mtime.push(entry.mtime);
      out.ctime.push(entry.ctime);
      out.at.push(entry.claim?.at?.ms ?? null);
      out.sub.push(entry.claim?.at?.subMsNanos ?? 0);
      if (entry.claim && entry.claim.dependsOn.length > 0) out.deps[index] = [...entry.claim.dependsOn];
      if (entry.claim?.rootSpecId != null) out.roots[index] = entry.claim.rootSpecId;
      if (entry.problems) out.problems[index] = entry.problems;
    });
    return out;
  }
}

import { lstatSync, statSync, type BigIntStats, type Stats } from 'node:fs';
import type { ParsedQueueFile, QueueLocation } from './queue-files.js';

/**
 * Parsed queue documents, reused while a file's inode, size, mtime and ctime are unchanged (any write, rename or
 * link changes ctime). Parsing and validating thousands of documents dominated `queue ls` and every claim.
 *
 * Racy entries are never reused: timestamps are only as fine as the kernel's clock tick, so a file parsed within
 * RACY_WINDOW_NS of its last change could change again without changing its stat. They are parsed again until
 * they are old enough (the same rule git uses for its index).
 *
 * The in-process memo serves the daemon and `status watch`; one-shot read commands also pass the workspace's
 * persisted cache (persisted-parse-cache.ts).
 */

/** A parse and the stat key of the file it was parsed from. */
export type CachedParse = { statKey: string; parsed: ParsedQueueFile };

/**
 * The persisted cache of one-shot read commands. It replaces the memo for their scans (a one-shot process scans
 * once), and is checked with a plain `lstat`: a queue file is a regular file, never a link (listings skip links).
 */
export interface ParseStore {
  /** Whether the store has any entry for this location (else the file is read without a separate stat). */
  knows(location: QueueLocation): boolean;
  /** The stored parse of a file whose `lstat` is `stat` (`parse` reads it if its document is needed); undefined when absent or stale. */
  take(location: QueueLocation, stat: Stats, parse: (location: QueueLocation) => ParsedQueueFile | undefined): ParsedQueueFile | undefined;
  /** A fresh parse and the stat of what was read (racy ones must not be stored); returns the item to list in its place. */
  record(location: QueueLocation, parsed: ParsedQueueFile, stat: BigIntStats, racy: boolean, parse: (location: QueueLocation) => ParsedQueueFile | undefined): ParsedQueueFile;
}

const RACY_WINDOW_NS = 100_000_000n;
const MEMO_LIMIT = 100_000;
/** `verifiedAtMs`: when a stat last proved the entry current. */
const memo = new Map<string, CachedParse & { verifiedAtMs: number }>();

function memoize(path: string, entry: CachedParse): void {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(path, { ...entry, verifiedAtMs: Date.now() });
}

/** The memo's parse of `path` when a stat proved it current at or after `sinceMs` (folder-watch.ts trusts it since). */
export function memoVerifiedSince(path: string, sinceMs: number): ParsedQueueFile | undefined {
  const entry = memo.get(path);
  return entry !== undefined && entry.verifiedAtMs >= sinceMs ? entry.parsed : undefined;
}

/** Now, in ns since the epoch: a scan takes it once, before it reads any file. */
export const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;
/** Whether a file checked at `checkedAtNs` changed too recently for its stat to prove the next change. */
export const isRacy = (stat: Pick<BigIntStats, 'ctimeNs' | 'mtimeNs'>, checkedAtNs: bigint): boolean =>
  checkedAtNs - stat.ctimeNs < RACY_WINDOW_NS || checkedAtNs - stat.mtimeNs < RACY_WINDOW_NS;

/** inode, size, mtime and ctime (ns) in one comparable string. */
export const statKeyOf = (stat: BigIntStats): string => `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;

/** Drop this process's memo: the next scan behaves like a fresh process (only the persisted cache is left). */
export function forgetParsedQueueFiles(): void {
  memo.clear();
}

/** A file that is no longer where it was listed (moved or removed since). */
export const GONE = Symbol('gone');
/** A file no cache can answer for: it must be read. */
export const MISS = Symbol('miss');

/** A listed name that is not a regular file (a directory or link named `*.md`): not a queue document, not listed. */
export const NOT_A_FILE = Symbol('not a file');

/**
 * The remembered parse of a file while its stat is unchanged; MISS when it must be read (a file no cache knows is
 * not even stat'ed: reading it stats the open file, one path lookup instead of two), GONE when it disappeared.
 * With a store, a known file whose `lstat` shows no regular file is NOT_A_FILE (its folder was listed by name only).
 */
export function cachedParse(
  location: QueueLocation,
  persisted: ParseStore | undefined,
  parse: (location: QueueLocation) => ParsedQueueFile | undefined,
): ParsedQueueFile | typeof GONE | typeof MISS | typeof NOT_A_FILE {
  if (persisted) {
    if (!persisted.knows(location)) return MISS;
    const stat = lstatSync(location.path, { throwIfNoEntry: false });
    if (stat === undefined) return GONE;
    if (!stat.isFile()) return NOT_A_FILE;
    return persisted.take(location, stat, parse) ?? MISS;
  }
  const remembered = memo.get(location.path);
  if (remembered === undefined) return MISS;
  const stat = statSync(location.path, { bigint: true, throwIfNoEntry: false });
  if (stat === undefined) return GONE;
  // The memo is keyed by path, and a path's folder fixes its kind and state: the stat key is all that can differ.
  if (remembered.statKey === statKeyOf(stat)) {
    remembered.verifiedAtMs = Date.now();
    return remembered.parsed;
  }
  return MISS;
}

/**
 * Remember a fresh parse (read at or after `checkedAtNs`) and return what the scan should list. A parse of a racy
 * file may not match its stat for long, since a same-tick rewrite would keep the stat: it is never reused.
 *
 * With a store (one-shot read commands) only the store remembers it, and the scan lists the store's light item:
 * the documents of thousands of files are then garbage at once instead of surviving to the end of the scan.
 */
export function rememberParse(
  location: QueueLocation,
  parsed: ParsedQueueFile,
  stat: BigIntStats,
  checkedAtNs: bigint,
  persisted: ParseStore | undefined,
  parse: (location: QueueLocation) => ParsedQueueFile | undefined,
): ParsedQueueFile {
  const racy = isRacy(stat, checkedAtNs);
  if (persisted) return persisted.record(location, parsed, stat, racy, parse);
  if (racy) {
    memo.delete(location.path);
  } else {
    memoize(location.path, { statKey: statKeyOf(stat), parsed });
  }
  return parsed;
}

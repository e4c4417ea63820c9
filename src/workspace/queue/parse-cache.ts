import { statSync, type BigIntStats } from 'node:fs';
import { forgetKeptListings } from './folder-watch.js';
import type { ParsedQueueFile, QueueLocation } from './queue-files.js';

/**
 * Parsed queue documents, reused while a file's inode, size, mtime and ctime are unchanged (any write, rename or
 * link changes ctime). Parsing and validating thousands of documents dominated `queue ls` and every claim.
 *
 * Racy entries are never reused: timestamps are only as fine as the kernel's clock tick, so a file parsed within
 * RACY_WINDOW_NS of its last change could change again without changing its stat. They are parsed again until
 * they are old enough (the same rule git uses for its index).
 *
 * The in-process memo serves the daemon and `status watch`; one-shot read commands use the workspace's persisted
 * cache instead (persisted-scan.ts).
 */

/** A parse and the stat key of the file it was parsed from. */
export type CachedParse = { statKey: string; parsed: ParsedQueueFile };

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

/** Folders whose first watched scan was seeded from the persisted parse cache (scan.ts `seedFromPersisted`). */
export const seededFolders = new Set<string>();

/** Drop this process's memo: the next scan behaves like a fresh process (only the persisted cache is left). */
export function forgetParsedQueueFiles(): void {
  memo.clear();
  seededFolders.clear();
  forgetKeptListings();
}

/** A file that is no longer where it was listed (moved or removed since). */
export const GONE = Symbol('gone');
/** A file no cache can answer for: it must be read. */
export const MISS = Symbol('miss');

/**
 * The remembered parse of a file while its stat is unchanged; MISS when it must be read (a file the memo does not know
 * is not even stat'ed: reading it stats the open file, one path lookup instead of two), GONE when it disappeared.
 */
export function cachedParse(location: QueueLocation): ParsedQueueFile | typeof GONE | typeof MISS {
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
 * Remember a fresh parse (read at or after `checkedAtNs`). A parse of a racy file may not match its stat for long,
 * since a same-tick rewrite would keep the stat: it is never reused.
 */
export function rememberParse(location: QueueLocation, parsed: ParsedQueueFile, stat: BigIntStats, checkedAtNs: bigint): ParsedQueueFile {
  if (isRacy(stat, checkedAtNs)) {
    memo.delete(location.path);
  } else {
    memoize(location.path, { statKey: statKeyOf(stat), parsed });
  }
  return parsed;
}

import { statSync, type BigIntStats } from 'node:fs';
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

/** A second-level store behind the memo (the persisted cache of one-shot read commands). */
export interface ParseStore {
  /** Whether the store has any entry for this location (else the file is read without a separate stat). */
  knows(location: QueueLocation): boolean;
  /** The stored parse of an unchanged file (`parse` reads the file if its document is needed); undefined when absent or stale. */
  take(location: QueueLocation, statKey: string, parse: () => ParsedQueueFile | undefined): CachedParse | undefined;
  /** A parse the memo served. */
  keep(location: QueueLocation, entry: CachedParse): void;
  /** A fresh parse; racy ones must not be stored. */
  record(location: QueueLocation, entry: CachedParse, racy: boolean): void;
}

const RACY_WINDOW_NS = 100_000_000n;
const MEMO_LIMIT = 100_000;
const memo = new Map<string, CachedParse>();

const nowNs = () => BigInt(Date.now()) * 1_000_000n;
/** Whether a file checked at `checkedAtNs` changed too recently for its stat to prove the next change. */
export const isRacy = (stat: Pick<BigIntStats, 'ctimeNs' | 'mtimeNs'>, checkedAtNs: bigint): boolean =>
  checkedAtNs - stat.ctimeNs < RACY_WINDOW_NS || checkedAtNs - stat.mtimeNs < RACY_WINDOW_NS;

/** inode, size, mtime and ctime (ns) in one comparable string. */
export const statKeyOf = (stat: BigIntStats): string => `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;

/** Drop this process's memo: the next scan behaves like a fresh process (only the persisted cache is left). */
export function forgetParsedQueueFiles(): void {
  memo.clear();
}

type ReadWithStat = () => { parsed: ParsedQueueFile; stat: BigIntStats } | undefined;

/**
 * The cached parse of a file while its stat is unchanged, else `read()` (which parses it and stats the open file);
 * undefined when the file is gone. A file no cache knows is read straight away: one path lookup instead of two.
 */
export function readThroughParseCache(location: QueueLocation, read: ReadWithStat, persisted?: ParseStore): ParsedQueueFile | undefined {
  const checkedAtNs = nowNs();
  const remembered = memo.get(location.path);
  if (remembered !== undefined || persisted?.knows(location)) {
    const stat = statSync(location.path, { bigint: true, throwIfNoEntry: false });
    if (stat === undefined) return undefined;
    const statKey = statKeyOf(stat);
    // The memo is keyed by path, and a path's folder fixes its kind and state: the stat key is all that can differ.
    if (remembered && remembered.statKey === statKey) {
      persisted?.keep(location, remembered);
      return remembered.parsed;
    }
    const stored = persisted?.take(location, statKey, () => read()?.parsed);
    if (stored) {
      memo.set(location.path, stored);
      return stored.parsed;
    }
  }
  const fresh = read();
  if (fresh === undefined) return undefined;
  const entry = { statKey: statKeyOf(fresh.stat), parsed: fresh.parsed };
  // A parse of a racy file may not match its stat for long: a same-tick rewrite would keep the stat. Never reuse it.
  const racy = isRacy(fresh.stat, checkedAtNs);
  if (racy) {
    memo.delete(location.path);
  } else {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(location.path, entry);
  }
  persisted?.record(location, entry, racy);
  return fresh.parsed;
}

import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, type BigIntStats, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { INPUT_SIZE_LIMITS, sizeLimitMessage, type InputKind } from '../contracts/input-limits.js';
import { MillraceError, type ErrorCode } from '../errors/index.js';

/**
 * The one way Millrace reads a document, config file, envelope or state file: never more than its kind's size
 * limit + 1 bytes (a huge file is refused, not loaded), never blocking (a FIFO is opened non-blocking and refused),
 * only regular files, and, for files of a workspace, never through a symbolic link that leads out of it. Every
 * refusal is one MillraceError `file: (file): reason` whose `field` is `(file)`.
 */

export type BoundedReadOptions = {
  /** How the file is named in messages (default: the path). */
  display?: string;
  /** Error code of a refusal (default INPUT_INVALID). */
  code?: ErrorCode;
  /** Refuse a symbolic link instead of following it. */
  noFollow?: boolean;
  /**
   * Follow a symbolic link only when it resolves inside this directory (the workspace root); refuse one that leads
   * out of it (or nowhere). A file that turns into a link between the check and the open is refused too.
   */
  withinRoot?: string;
};

export type BoundedText = { text: string; stat: BigIntStats };
export type BoundedBytes = { bytes: Buffer; stat: BigIntStats };

export const FILE_FIELD = '(file)';

/** A refusal naming the file; `detail` is the text after `file: (file): `. */
export function fileRefusal(display: string, detail: string, code: ErrorCode = 'INPUT_INVALID', cause?: unknown): MillraceError {
  return new MillraceError(code, `${display}: ${FILE_FIELD}: ${detail}`, { file: display, field: FILE_FIELD, cause, exitCode: code === 'DOCUMENT_INVALID' ? 1 : undefined });
}

/** The `detail` of a refusal made by fileRefusal (its message without the `file: (file): ` prefix). */
export function refusalDetail(error: MillraceError): string {
  const prefix = `${error.file}: ${FILE_FIELD}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code;

/** Why something that is not a regular file cannot be read as one; null for a regular file. */
function wrongType(stats: Pick<Stats, 'isFile' | 'isDirectory' | 'isFIFO' | 'isSocket'>): string | null {
  if (stats.isFile()) return null;
  if (stats.isDirectory()) return 'is a directory, not a file';
  if (stats.isFIFO()) return 'is a FIFO (named pipe), not a file';
  if (stats.isSocket()) return 'is a socket, not a file';
  return 'is not a regular file';
}

/** Whether a refusal says the path is not a regular file (a directory, FIFO, socket, device). */
export const isWrongTypeRefusal = (error: MillraceError): boolean => / not a file$| not a regular file$/.test(error.message);

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
}

/** Where a symbolic link at `path` leads when that is outside `root` (or broken); null when it stays inside. */
export function symlinkEscape(path: string, root: string): string | null {
  let target: string;
  try {
    target = realpathSync(path);
  } catch {
    return 'a missing target';
  }
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    realRoot = root;
  }
  return inside(realRoot, target) ? null : target;
}

/**
 * A regular file opened for streaming, for readers with no fixed size limit (they read in bounded chunks): opened
 * without blocking (a FIFO is never waited on) and, with `noFollow`, never through a symbolic link. `undefined` when
 * the file does not exist, `null` when it cannot be opened or is not a regular file. The caller closes the handle.
 */
export async function openRegularFile(path: string, options: { noFollow?: boolean } = {}): Promise<{ handle: FileHandle; stat: Stats } | null | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | (options.noFollow ? constants.O_NOFOLLOW : 0));
  } catch (error) {
    return errnoOf(error) === 'ENOENT' ? undefined : null;
  }
  try {
    const stat = await handle.stat();
    if (stat.isFile()) return { handle, stat };
  } catch {
    // unreadable metadata: treated as not a regular file
  }
  await handle.close();
  return null;
}

/** `openRegularFile` without the thread pool: the open descriptor, `undefined` when absent, `null` when not a regular file. */
export function openRegularFileSync(path: string, options: { noFollow?: boolean } = {}): number | null | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (options.noFollow ? constants.O_NOFOLLOW : 0));
  } catch (error) {
    return errnoOf(error) === 'ENOENT' ? undefined : null;
  }
  try {
    if (fstatSync(fd).isFile()) return fd;
  } catch {
    // unreadable metadata: treated as not a regular file
  }
  closeSync(fd);
  return null;
}

function openFlags(path: string, display: string, code: ErrorCode, options: BoundedReadOptions): number | undefined {
  let noFollow = options.noFollow === true;
  if (options.withinRoot !== undefined) {
    let stats: Stats;
    try {
      stats = lstatSync(path);
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return undefined;
      throw fileRefusal(display, `cannot be inspected (${errnoOf(error) ?? (error as Error).message})`, code, error);
    }
    if (stats.isSymbolicLink()) {
      const escape = symlinkEscape(path, options.withinRoot);
      if (escape !== null) throw fileRefusal(display, `is a symbolic link leading outside the workspace (to ${escape})`, code);
    } else {
      // Not a link now: refuse one swapped in before the open.
      noFollow = true;
    }
  }
  return constants.O_RDONLY | constants.O_NONBLOCK | (noFollow ? constants.O_NOFOLLOW : 0);
}

function openRefusal(display: string, code: ErrorCode, error: unknown, options: BoundedReadOptions): MillraceError {
  const errno = errnoOf(error);
  if (errno === 'ELOOP') return fileRefusal(display, options.withinRoot !== undefined && !options.noFollow ? 'became a symbolic link while being read' : 'is a symbolic link (refused)', code, error);
  if (errno === 'EACCES' || errno === 'EPERM') return fileRefusal(display, `cannot be read: permission denied (${errno})`, code, error);
  return fileRefusal(display, `cannot be read (${errno ?? (error as Error).message})`, code, error);
}

/** Bytes of a regular file of at most the kind's limit; undefined when the file does not exist. */
export function readBoundedBytesSync(path: string, kind: InputKind, options: BoundedReadOptions = {}): BoundedBytes | undefined {
  const display = options.display ?? path;
  const code = options.code ?? 'INPUT_INVALID';
  const limit = INPUT_SIZE_LIMITS[kind];
  const flags = openFlags(path, display, code, options);
  if (flags === undefined) return undefined;
  let fd: number;
  try {
    fd = openSync(path, flags);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw openRefusal(display, code, error, options);
  }
  try {
    const stat = fstatSync(fd, { bigint: true });
    const type = wrongType(stat);
    if (type !== null) throw fileRefusal(display, type, code);
    if (stat.size > BigInt(limit)) throw fileRefusal(display, sizeLimitMessage(kind), code);
    // The file may grow after fstat: read at most limit + 1 bytes and refuse if that many arrive.
    let buffer = Buffer.allocUnsafe(Math.min(limit + 1, Number(stat.size) + 1));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > limit) throw fileRefusal(display, sizeLimitMessage(kind), code);
        const grown = Buffer.allocUnsafe(Math.min(limit + 1, buffer.length * 2));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const wanted = buffer.length - length;
      const read = readSync(fd, buffer, length, wanted, null);
      if (read === 0) break;
      length += read;
      // A short read of a regular file that brings exactly the size fstat gave is its end: asking again for the
      // zero-byte answer cost one more system call per file (10,000 in a first scan).
      if (read < wanted && length === Number(stat.size)) break;
    }
    if (length > limit) throw fileRefusal(display, sizeLimitMessage(kind), code);
    return { bytes: buffer.subarray(0, length), stat };
  } catch (error) {
    if (error instanceof MillraceError) throw error;
    throw fileRefusal(display, `cannot be read (${errnoOf(error) ?? (error as Error).message})`, code, error);
  } finally {
    closeSync(fd);
  }
}

/** UTF-8 text of a regular file of at most the kind's limit; undefined when the file does not exist. */
export function readBoundedTextSync(path: string, kind: InputKind, options: BoundedReadOptions = {}): BoundedText | undefined {
  const read = readBoundedBytesSync(path, kind, options);
  return read && { text: read.bytes.toString('utf8'), stat: read.stat };
}

/** Like readBoundedTextSync, but a missing file is a refusal too. */
export function readBoundedTextOrRefuse(path: string, kind: InputKind, options: BoundedReadOptions = {}): string {
  const read = readBoundedTextSync(path, kind, options);
  if (read === undefined) throw fileRefusal(options.display ?? path, 'does not exist', options.code);
  return read.text;
}

/**
 * The last `maxBytes` bytes of a regular file (an artifact such as an agent's stdout, which may be any size), with
 * how many bytes before them were left out. Never loads more than `maxBytes`.
 */
export function readTailTextSync(path: string, maxBytes: number, options: BoundedReadOptions = {}): { text: string; omittedBytes: number } | undefined {
  const display = options.display ?? path;
  const code = options.code ?? 'INPUT_INVALID';
  const flags = openFlags(path, display, code, options);
  if (flags === undefined) return undefined;
  let fd: number;
  try {
    fd = openSync(path, flags);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw openRefusal(display, code, error, options);
  }
  try {
    const stat = fstatSync(fd);
    const type = wrongType(stat);
    if (type !== null) throw fileRefusal(display, type, code);
    const start = Math.max(0, stat.size - maxBytes);
    const buffer = Buffer.allocUnsafe(Math.min(maxBytes, stat.size));
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, start + length);
      if (read === 0) break;
      length += read;
    }
    // Drop a partial UTF-8 sequence cut at the start.
    let from = 0;
    while (start > 0 && from < length && from < 3 && (buffer[from]! & 0xc0) === 0x80) from += 1;
    return { text: buffer.subarray(from, length).toString('utf8'), omittedBytes: start + from };
  } finally {
    closeSync(fd);
  }
}

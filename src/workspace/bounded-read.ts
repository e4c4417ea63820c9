import { closeSync, constants, fstatSync, openSync, readSync, type BigIntStats } from 'node:fs';
import { INPUT_SIZE_LIMITS, sizeLimitMessage, type InputKind } from '../contracts/input-limits.js';
import { MillraceError, type ErrorCode } from '../errors/index.js';

/**
 * The one way Millrace reads a document, config file, envelope or state file: never more than its kind's size
 * limit + 1 bytes (a huge file is refused, not loaded), never blocking (a FIFO is opened non-blocking and refused),
 * only regular files. Every refusal is one MillraceError `file: (file): reason` whose `field` is `(file)`.
 */

export type BoundedReadOptions = {
  /** How the file is named in messages (default: the path). */
  display?: string;
  /** Error code of a refusal (default INPUT_INVALID). */
  code?: ErrorCode;
  /** Refuse a symbolic link instead of following it. */
  noFollow?: boolean;
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

/** Bytes of a regular file of at most the kind's limit; undefined when the file does not exist. */
export function readBoundedBytesSync(path: string, kind: InputKind, options: BoundedReadOptions = {}): BoundedBytes | undefined {
  const display = options.display ?? path;
  const code = options.code ?? 'INPUT_INVALID';
  const limit = INPUT_SIZE_LIMITS[kind];
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (options.noFollow ? constants.O_NOFOLLOW : 0));
  } catch (error) {
    const errno = errnoOf(error);
    if (errno === 'ENOENT') return undefined;
    if (errno === 'ELOOP') throw fileRefusal(display, 'is a symbolic link (refused)', code, error);
    throw fileRefusal(display, `cannot be read: ${errno ?? (error as Error).message}`, code, error);
  }
  try {
    const stat = fstatSync(fd, { bigint: true });
    if (!stat.isFile()) throw fileRefusal(display, 'is not a regular file', code);
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
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > limit) throw fileRefusal(display, sizeLimitMessage(kind), code);
    return { bytes: buffer.subarray(0, length), stat };
  } catch (error) {
    if (error instanceof MillraceError) throw error;
    throw fileRefusal(display, `cannot be read: ${errnoOf(error) ?? (error as Error).message}`, code, error);
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
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw fileRefusal(display, `cannot be read: ${errnoOf(error) ?? (error as Error).message}`, code, error);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw fileRefusal(display, 'is not a regular file', code);
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

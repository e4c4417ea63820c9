import { closeSync, constants, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFailure } from '@millrace/plugin-api';
import { MillraceError } from '../../errors/index.js';

const refuse = (path: string, reason: string) =>
  new MillraceError('WORKSPACE_STATE_INVALID', `${path}: ${reason}`, { file: path, hint: 'run `millrace doctor --fix` to move it to millrace-agents/state/quarantine/' });

// Never blocks on a FIFO (non-blocking open; ENXIO without a reader) and never follows a link to a file elsewhere.
// Read as well as append: the last byte tells whether a writer killed mid-append left a line without its newline.
const APPEND_FLAGS = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK | constants.O_NOFOLLOW;

/**
 * Append one whole line to a log (events log, requeue logs). A write that fails part-way (a full disk) is cut back
 * to the previous end of the file, and a line torn by a writer killed mid-write (SIGKILL between two pages of one
 * write) is ended before the new line starts, so a torn line is never merged with the next whole one: readers skip
 * the fragment and keep the line. The torn fragment is not cut off, since another writer's append may be in flight.
 * The error names the log. Synchronous: a tick appends several small lines and a thread-pool round trip cost more.
 */
export function appendLine(path: string, line: string): void {
  let fd: number;
  try {
    fd = openSync(path, APPEND_FLAGS, 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw refuse(path, 'is a symbolic link; refusing to append through it');
    if (code === 'ENXIO' || code === 'EISDIR') throw refuse(path, 'is not a regular file; cannot append to it');
    if (code !== 'ENOENT') throw writeFailure(error, path);
    try {
      mkdirSync(dirname(path), { recursive: true });
      fd = openSync(path, APPEND_FLAGS, 0o644);
    } catch (retry) {
      throw writeFailure(retry, path);
    }
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw refuse(path, 'is not a regular file; cannot append to it');
    const size = stats.size;
    const whole = line.endsWith('\n') ? line : `${line}\n`;
    const bytes = Buffer.from(size > 0 && !endsWithNewline(fd, size) ? `\n${whole}` : whole, 'utf8');
    try {
      for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
    } catch (error) {
      try {
        ftruncateSync(fd, size);
      } catch {
        // Nothing more can be done; a reader skips a torn last line.
      }
      throw writeFailure(error, path);
    }
  } finally {
    closeSync(fd);
  }
}

const NEWLINE = 0x0a;

function endsWithNewline(fd: number, size: number): boolean {
  const last = Buffer.alloc(1);
  return readSync(fd, last, 0, 1, size - 1) === 1 && last[0] === NEWLINE;
}

import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';
import { relative, sep } from 'node:path';

/** What reading one state file found: nothing, its text, or why it cannot be used (one line). */
export type StateFileRead = { kind: 'absent' } | { kind: 'text'; text: string } | { kind: 'refused'; reason: string };

function typeName(stats: Stats): string | null {
  if (stats.isFile()) return null;
  if (stats.isDirectory()) return 'is a directory, not a file';
  if (stats.isFIFO()) return 'is a FIFO (named pipe), not a file';
  if (stats.isSocket()) return 'is a socket, not a file';
  return 'is not a regular file';
}

const errnoOf = (error: unknown) => (error as NodeJS.ErrnoException | null)?.code ?? String(error);

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
}

/** Where a symbolic link at `path` leads when that is outside `workspaceRoot` (or broken); null when it stays inside. */
export function symlinkEscape(path: string, workspaceRoot: string): string | null {
  let target: string;
  try {
    target = realpathSync(path);
  } catch {
    return 'a missing target';
  }
  let root: string;
  try {
    root = realpathSync(workspaceRoot);
  } catch {
    root = workspaceRoot;
  }
  return inside(root, target) ? null : target;
}

/**
 * Read a state file without ever blocking or leaving the workspace: `lstat` first, a symbolic link is followed only
 * when it resolves inside `workspaceRoot`, anything but a regular file is refused, and the open is non-blocking (a
 * FIFO swapped in after the lstat still cannot hang the read).
 */
export function readStateFile(path: string, workspaceRoot: string): StateFileRead {
  let stats: Stats;
  try {
    stats = lstatSync(path);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return { kind: 'absent' };
    return { kind: 'refused', reason: `cannot be inspected (${errnoOf(error)})` };
  }
  const link = stats.isSymbolicLink();
  if (link) {
    const escape = symlinkEscape(path, workspaceRoot);
    if (escape !== null) return { kind: 'refused', reason: `is a symbolic link leading outside the workspace (to ${escape})` };
  }
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (link ? 0 : constants.O_NOFOLLOW));
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'EACCES' || code === 'EPERM') return { kind: 'refused', reason: `cannot be read: permission denied (${code})` };
    if (code === 'ELOOP') return { kind: 'refused', reason: 'became a symbolic link while being read' };
    return { kind: 'refused', reason: `cannot be read (${code})` };
  }
  try {
    const wrongType = typeName(fstatSync(fd));
    if (wrongType) return { kind: 'refused', reason: wrongType };
    const chunks: Buffer[] = [];
    const buffer = Buffer.allocUnsafe(64 * 1024);
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      chunks.push(Buffer.from(buffer.subarray(0, read)));
    }
    return { kind: 'text', text: Buffer.concat(chunks).toString('utf8') };
  } catch (error) {
    return { kind: 'refused', reason: `cannot be read (${errnoOf(error)})` };
  } finally {
    closeSync(fd);
  }
}

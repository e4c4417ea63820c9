import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Mount a small tmpfs for disk-full tests. CI runs as root on a machine where this works, so a failure is an error
 * (never a silent skip): the message says what is missing.
 */
export function mountTmpfs(sizeBytes: number): { dir: string; unmount(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'millrace-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`disk-full tests need to mount a tmpfs (root, or CAP_SYS_ADMIN): ${(error as Error).message}`);
  }
  return {
    dir,
    unmount() {
      execFileSync('umount', [dir], { stdio: 'pipe' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Write `path` until its file system has no byte left. */
export function fillDisk(path: string): void {
  const fd = openSync(path, 'a');
  try {
    for (const size of [65536, 4096, 1]) {
      const chunk = Buffer.alloc(size);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
}

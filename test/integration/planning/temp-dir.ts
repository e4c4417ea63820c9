import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspacePaths, type WorkspacePaths } from '../../../src/workspace/paths.js';

/** A fresh directory per test, removed afterwards; paths point at its (not yet initialized) workspace. */
export async function withTempDir<T>(fn: (paths: WorkspacePaths) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'millrace-planning-'));
  try {
    return await fn(workspacePaths(dir));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

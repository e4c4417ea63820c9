import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { workspacePaths, type WorkspacePaths } from '../../src/workspace/paths.js';

/** A fresh temp workspace with `millrace-agents/state` (enough for requireInitializedWorkspace); removed afterwards. */
export async function withQueueWorkspace<T>(fn: (paths: WorkspacePaths) => Promise<T>): Promise<T> {
  const root = await mkdtemp(join(tmpdir(), 'millrace-queue-'));
  const paths = workspacePaths(root);
  await mkdir(paths.state, { recursive: true });
  try {
    return await fn(paths);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

export async function writeText(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text, 'utf8');
}

/** Every file under the runtime root (relative path -> content), for "nothing changed / nothing lost" checks. */
export async function snapshotTree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(dir: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out[relative(root, path)] = await readFile(path, 'utf8');
    }
  }
  await walk(root);
  return out;
}

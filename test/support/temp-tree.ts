import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A fresh temp directory (realpath-free, under the OS temp dir) removed after `body`, plus a file writer relative to it. */
export async function withTempTree<T>(body: (root: string, write: (rel: string, text: string) => Promise<string>) => Promise<T>): Promise<T> {
  const root = await mkdtemp(join(tmpdir(), 'millrace-test-'));
  const write = async (rel: string, text: string) => {
    const file = join(root, rel);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
    return file;
  };
  try {
    return await body(root, write);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

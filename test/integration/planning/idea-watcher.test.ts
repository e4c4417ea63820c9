import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openIdeaWatcher, type IdeaWatcher } from '../../../src/runtime/intake/idea-watcher.js';
import { withTempDir } from './temp-dir.js';

async function takeUntil(watcher: IdeaWatcher, want: number, timeoutMs = 15_000): Promise<string[]> {
  const seen: string[] = [];
  const end = Date.now() + timeoutMs;
  while (seen.length < want && Date.now() < end) {
    seen.push(...watcher.take());
    await new Promise((r) => setTimeout(r, 50));
  }
  return seen;
}

describe.each([
  ['native watching', false],
  ['the polling fallback', true],
])('idea watcher with %s', (_label, forcePolling) => {
  it('reports inbox ideas present at start and ideas dropped later, once each, ignoring other files', async () => {
    await withTempDir(async (paths) => {
      await mkdir(paths.ideasInbox, { recursive: true });
      await writeFile(join(paths.ideasInbox, 'early.md'), '# Early\n');
      let woken = 0;
      const watcher = await openIdeaWatcher(paths.ideasInbox, { debounceMs: 50, forcePolling, onIdea: () => woken++ });
      try {
        expect(watcher.mode).toBe(forcePolling ? 'poll' : 'watch');
        expect(watcher.take()).toEqual([join(paths.ideasInbox, 'early.md')]);
        await writeFile(join(paths.ideasInbox, 'notes.txt'), 'not an idea');
        await writeFile(join(paths.ideasInbox, 'late.md'), '# Late\n');
        const later = await takeUntil(watcher, 1);
        expect(later.filter((p) => p.endsWith('.md'))).toContain(join(paths.ideasInbox, 'late.md'));
        expect(later.some((p) => p.endsWith('notes.txt'))).toBe(false);
        expect(woken).toBeGreaterThan(0);
      } finally {
        await watcher.close();
      }
    });
  }, 30_000);
});

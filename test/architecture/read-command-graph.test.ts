import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { importsOf, REPO_ROOT, resolveRelative, typeOnlyImportsOf } from './source-files.js';

/**
 * Start-up of the read commands is mostly module loading (Node 20 has no compile cache), so they import the
 * modules they use rather than a folder's barrel (`index.ts`), which would load every sibling. Checked on the
 * load-time graph: static and dynamic imports, `import type` excluded.
 */
const READ_COMMANDS = ['src/commands/queue/ls.ts', 'src/commands/status/index.ts'];
/** Barrels small enough that they re-export nothing heavier than what importers use anyway. */
const ALLOWED_BARRELS = new Set(['src/errors/index.ts']);

function loadGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const typeOnly = typeOnlyImportsOf(file);
    for (const specifier of importsOf(file)) {
      if (typeOnly.has(specifier)) continue;
      const target = resolveRelative(file, specifier);
      if (target !== undefined && existsSync(join(REPO_ROOT, target))) visit(target);
    }
  };
  visit(entry);
  return seen;
}

describe('read command module graphs', () => {
  it.each(READ_COMMANDS)('%s loads no folder barrel', (command) => {
    const barrels = [...loadGraph(command)].filter((file) => file.endsWith('/index.ts') && file !== command && !ALLOWED_BARRELS.has(file));
    expect(barrels).toEqual([]);
  });

  it('the graph walk sees barrels (the check can fail)', () => {
    expect([...loadGraph('src/workspace/queue/submit.ts')].some((file) => file.endsWith('/index.ts'))).toBe(true);
  });
});

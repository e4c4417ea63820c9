import { importsOf, productionSources, readText, resolveRelative, typeOnlyImportsOf } from './source-files.js';

/**
 * The folder table of docs/architecture (style guide §1): a folder imports only the folders in its row.
 * Deviations, on purpose: `config` may reach `workspace`, whose bounded reader is the only way any file is read;
 * `cli` may reach `registry`, because BaseCommand builds the registry lazily for every command;
 * and `cli` may import *types* (`import type`) from `views` and `runtime` (renderers of their plain-data results).
 * `api` is the host's export for plugins (`millrace/views`): the view functions and the control entry, bound together.
 */
const ALLOWED: Record<string, readonly string[]> = {
  errors: [],
  contracts: ['errors'],
  workspace: ['errors', 'contracts'],
  config: ['errors', 'contracts', 'workspace'],
  compiler: ['errors', 'contracts'],
  registry: ['errors', 'contracts'],
  runtime: ['errors', 'contracts', 'workspace', 'config', 'compiler', 'registry'],
  views: ['errors', 'contracts', 'workspace', 'config', 'compiler'],
  cli: ['errors', 'contracts', 'views', 'registry'],
  commands: ['errors', 'contracts', 'workspace', 'config', 'compiler', 'registry', 'runtime', 'views', 'cli'],
  api: ['errors', 'contracts', 'workspace', 'config', 'compiler', 'registry', 'runtime', 'views'],
  hooks: ['errors', 'contracts', 'registry'],
};

/** npm packages a folder may import (node builtins are always allowed). */
const PACKAGES: Record<string, readonly string[]> = {
  errors: [],
  contracts: ['zod', '@millrace/plugin-api'],
  registry: ['zod', '@millrace/plugin-api', '@oclif/core'],
};

/** Folders a folder may import with `import type` only. */
const TYPES_ONLY: Record<string, readonly string[]> = {
  cli: ['views', 'runtime'],
};

/**
 * Known violations awaiting a move, as `importer -> imported`. A ratchet: an entry that no longer occurs fails
 * the test, so the list only shrinks.
 */
const KNOWN_EXCEPTIONS = new Set<string>([]);

const isBuiltin = (s: string) => s.startsWith('node:');
const packageName = (s: string) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!);
const hostFolder = (file: string) => file.split('/')[1]!;

describe('import direction (host)', () => {
  const files = productionSources().filter((f) => f.startsWith('src/'));

  it('every top-level src folder is in the table', () => {
    const folders = new Set(files.filter((f) => f.split('/').length > 2).map(hostFolder));
    expect([...folders].filter((f) => !(f in ALLOWED))).toEqual([]);
  });

  it('no folder imports a folder outside its row', () => {
    const violations: string[] = [];
    const seenExceptions = new Set<string>();
    for (const file of files) {
      const folder = hostFolder(file);
      const allowed = ALLOWED[folder];
      if (!allowed) continue;
      const typeOnly = typeOnlyImportsOf(file);
      for (const spec of importsOf(file)) {
        const target = resolveRelative(file, spec);
        if (target === undefined) {
          const rule = PACKAGES[folder];
          if (rule && !isBuiltin(spec) && !rule.includes(packageName(spec))) violations.push(`${file} imports package ${spec}`);
          continue;
        }
        if (!target.startsWith('src/')) {
          violations.push(`${file} imports ${target} outside src/`);
          continue;
        }
        const to = hostFolder(target);
        if (typeOnly.has(spec) && TYPES_ONLY[folder]?.includes(to)) continue;
        if (KNOWN_EXCEPTIONS.has(`${file} -> ${target}`)) {
          seenExceptions.add(`${file} -> ${target}`);
          continue;
        }
        if (to !== folder && !allowed.includes(to)) violations.push(`${file} (${folder}) imports ${target} (${to})`);
      }
    }
    expect(violations).toEqual([]);
    expect([...KNOWN_EXCEPTIONS].filter((e) => !seenExceptions.has(e))).toEqual([]);
  });

  it('the base class and helpers stay out of src/commands (oclif loads every file there as a command)', () => {
    const bad = files.filter((f) => f.startsWith('src/commands/') && /(^|\/)(base|shared|common)[-.]/.test(f.split('/').pop()!));
    expect(bad).toEqual([]);
  });
});

describe('import direction (plugins)', () => {
  const files = productionSources().filter((f) => f.startsWith('plugins/'));

  it('plugins never import host source or the host package, and stay inside their own folder', () => {
    const violations: string[] = [];
    for (const file of files) {
      const root = file.split('/').slice(0, 2).join('/');
      for (const spec of importsOf(file)) {
        const target = resolveRelative(file, spec);
        if (target !== undefined && !target.startsWith(`${root}/`)) violations.push(`${file} imports ${target}`);
        if (target === undefined && (spec === 'millrace' || spec.startsWith('millrace/'))) violations.push(`${file} imports the host package`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("only the web plugin's host seam names the host's views export (loaded at run time from the host root)", () => {
    const naming = files.filter((f) => readText(f).includes("'millrace/views'"));
    expect(naming).toEqual(['plugins/web/src/host-seam.ts']);
  });

  // The one exception: the shared agent spawn (`@millrace/plugin-api/agent-process`, a process.ts) runs on execa like
  // the runners it serves; the contract itself never loads it.
  it('plugin-api depends on zod and node builtins only (execa only in its process.ts)', () => {
    const allowed = (file: string, spec: string) => packageName(spec) === 'zod' || (packageName(spec) === 'execa' && file.endsWith('/process.ts'));
    const violations = files
      .filter((f) => f.startsWith('plugins/plugin-api/'))
      .flatMap((f) => importsOf(f).filter((s) => !s.startsWith('.') && !isBuiltin(s) && !allowed(f, s)).map((s) => `${f} imports ${s}`));
    expect(violations).toEqual([]);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from '../support/cli.js';

export { REPO_ROOT };

const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', 'coverage', 'tmp', 'fixtures']);

/** Repo-relative POSIX paths of files under `dir` (repo-relative) whose name passes `accept`. */
export function listFiles(dir: string, accept: (name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(join(abs, entry.name));
      } else if (entry.isFile() && accept(entry.name)) {
        out.push(relative(REPO_ROOT, join(abs, entry.name)).split(sep).join('/'));
      }
    }
  };
  walk(join(REPO_ROOT, dir));
  return out.sort();
}

export const isTs = (name: string) => name.endsWith('.ts') && !name.endsWith('.d.ts');

/** Every TypeScript source file of the host and of the plugins (tests excluded). */
export function productionSources(): string[] {
  const plugins = readdirSync(join(REPO_ROOT, 'plugins'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `plugins/${d.name}/src`);
  return [...listFiles('src', isTs), ...plugins.flatMap((p) => listFiles(p, isTs))].filter((f) => !f.startsWith('src/assets/'));
}

export function readText(file: string): string {
  return readFileSync(join(REPO_ROOT, file), 'utf8');
}

/** Module specifiers of every import, export-from, dynamic import and require in a file. */
export function importsOf(file: string): string[] {
  return ts.preProcessFile(readText(file), true, true).importedFiles.map((f) => f.fileName);
}

/** Resolve a relative specifier to a repo-relative `.ts` path (NodeNext `.js` -> `.ts`); undefined for packages. */
export function resolveRelative(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const abs = resolve(REPO_ROOT, dirname(from), specifier.replace(/\.js$/, '.ts'));
  return relative(REPO_ROOT, abs).split(sep).join('/');
}

/** Specifiers imported only for types (`import type ... from`), which create no load-time dependency. */
export function typeOnlyImportsOf(file: string): Set<string> {
  const source = ts.createSourceFile(file, readText(file), ts.ScriptTarget.ES2022, false);
  const out = new Set<string>();
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly && ts.isStringLiteral(statement.moduleSpecifier)) {
      out.add(statement.moduleSpecifier.text);
    }
  }
  return out;
}

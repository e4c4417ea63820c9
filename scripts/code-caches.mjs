// Last step of `npm run build`: write the V8 code caches of the bundled @oclif/core (dist/vendor/oclif-core.cjs), of
// the shared zod (plugins/plugin-api/dist/zod.cjs) and of every command and hook bundle (dist/commands/**/*.cjs), which their ES module loaders compile from when V8 accepts them
// (scripts/bundle.mjs, cachedScriptLoader). V8 accepts a cache only under the flags it was made with, so this sets the
// flags bin/run.js sets for a one-shot command (every command but the long-running ones, src/cli/optimizing-tier.ts)
// before anything is compiled; test/architecture/command-bundles.test.ts checks that a process with bin/run.js's flags
// accepts them. A cache holds the bytecode of the functions run so far (V8 compiles a function when it first runs),
// so oclif's Config is loaded for this package and the plugin API's schemas are built first, as a command's start does.
// Each is written to a temp file, then renamed.
import { existsSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--no-opt');
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const files = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.js') ? [join(dir, entry.name)] : []));
const { Config } = await import('../dist/vendor/oclif-core.js');
await import('../plugins/plugin-api/dist/zod.js');
await Config.load(root);
await import('../plugins/plugin-api/dist/index.js');
const caches = globalThis[Symbol.for('millrace.codeCaches')] ?? [];
if (caches.length !== 2) throw new Error(`scripts/code-caches.mjs: expected the oclif and zod loaders, found ${caches.length}`);
const write = ({ path, create }) => {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, create());
  renameSync(temp, path);
};
caches.forEach(write);
// Then every command and hook bundle (each a CommonJS file behind its ES module facade), evaluated as oclif loads it.
const bundles = ['commands', 'hooks'].flatMap((folder) => files(join(root, 'dist', folder)).filter((file) => existsSync(`${file.slice(0, -3)}.cjs`)));
for (const file of bundles) await import(pathToFileURL(file).href);
if (caches.length !== 2 + bundles.length) throw new Error(`scripts/code-caches.mjs: expected a loader per bundle, found ${caches.length - 2} for ${bundles.length}`);
caches.slice(2).forEach(write);

// Last step of `npm run build`: write the V8 code caches of the bundled @oclif/core (dist/vendor/oclif-core.cjs), of
// the shared zod (plugins/plugin-api/dist/zod.cjs) and of every command and hook bundle (dist/commands/**/*.cjs), which their ES module loaders compile from when V8 accepts them
// (scripts/bundle.mjs, cachedScriptLoader). V8 accepts a cache only under the flags it was made with, so this sets the
// flags bin/run.js sets for a one-shot command (every command but the long-running ones, src/cli/optimizing-tier.ts)
// before anything is compiled; test/architecture/command-bundles.test.ts checks that a process with bin/run.js's flags
// accepts them. A cache holds the bytecode of the functions run so far (V8 compiles a function when it first runs),
// so oclif's Config is loaded for this package and the plugin API's schemas are built first, as a command's start does.
// Each is written to a temp file, then renamed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--no-opt');
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const write = ({ path, create }) => {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, create());
  renameSync(temp, path);
};
// `--train <command args>`: run the command as bin/run.js does and, when it ends, write the caches of every file it
// compiled through a loader (oclif and the command's bundle), now holding the bytecode of the functions it ran too.
if (process.argv[2] === '--train') {
  process.on('exit', () => (globalThis[Symbol.for('millrace.codeCaches')] ?? []).forEach(write));
  const { execute } = await import('../dist/vendor/oclif-core.js');
  await execute({ args: process.argv.slice(3), dir: pathToFileURL(join(root, 'bin', 'run.js')).href });
  process.exit();
}
const files = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.js') ? [join(dir, entry.name)] : []));
const { Config } = await import('../dist/vendor/oclif-core.js');
await import('../plugins/plugin-api/dist/zod.js');
await Config.load(root);
await import('../plugins/plugin-api/dist/index.js');
const caches = globalThis[Symbol.for('millrace.codeCaches')] ?? [];
if (caches.length !== 2) throw new Error(`scripts/code-caches.mjs: expected the oclif and zod loaders, found ${caches.length}`);
caches.forEach(write);
// Then every command and hook bundle (each a CommonJS file behind its ES module facade), evaluated as oclif loads it.
const bundles = ['commands', 'hooks'].flatMap((folder) => files(join(root, 'dist', folder)).filter((file) => existsSync(`${file.slice(0, -3)}.cjs`)));
for (const file of bundles) await import(pathToFileURL(file).href);
if (caches.length !== 2 + bundles.length) throw new Error(`scripts/code-caches.mjs: expected a loader per bundle, found ${caches.length - 2} for ${bundles.length}`);
caches.slice(2).forEach(write);
// The commands the start-up benchmark times run their own start once more, on a new workspace, to write the caches of
// the functions they run (status on an initialised workspace: ~1,005M -> ~940M instructions; valgrind). Each runs
// twice (its first run after a build refreshes the contributions manifest); oclif's cache is the last run's.
const workspace = mkdtempSync(join(tmpdir(), 'millrace-code-caches-'));
try {
  const run = (args) => {
    const child = spawnSync(process.execPath, [...args], { cwd: root, encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`scripts/code-caches.mjs: ${args.join(' ')} failed: ${child.stderr}`);
  };
  run([join(root, 'bin', 'run.js'), 'init', '-w', workspace]);
  for (const command of [['queue', 'ls'], ['compile', 'validate'], ['status']]) {
    for (let i = 0; i < 2; i += 1) run([fileURLToPath(import.meta.url), '--train', ...command, '-w', workspace]);
  }
} finally {
  rmSync(workspace, { recursive: true, force: true });
}

// Last step of `npm run build`: write the V8 code cache of the bundled @oclif/core (dist/vendor/oclif-core.cjs), which
// dist/vendor/oclif-core.js compiles from when V8 accepts it (scripts/bundle.mjs says why). V8 accepts a cache only
// under the flags it was made with, so this sets the flags bin/run.js sets for a one-shot command (every command but
// the long-running ones, src/cli/optimizing-tier.ts) before oclif is compiled; test/architecture/command-bundles.test.ts
// checks that a process started as bin/run.js starts a one-shot command accepts it. oclif is then loaded and its
// Config loaded for this package, as every command's start does, so the cache holds the bytecode of those functions
// too (V8 compiles a function when it first runs). Written to a temp file, then renamed.
import { renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--no-opt');
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { Config, codeCachePath, createCodeCache } = await import('../dist/vendor/oclif-core.js');
await Config.load(root);
const temp = `${codeCachePath}.${process.pid}.tmp`;
writeFileSync(temp, createCodeCache());
renameSync(temp, codeCachePath);

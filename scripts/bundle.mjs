// `npm run build` step after `tsc -b`: bundle each oclif command and hook of the host with esbuild (ESM), so a
// command loads one file instead of dozens of host modules. Entries are every `.ts` under src/commands and src/hooks
// (a new command is picked up without any change here); each bundle replaces tsc's output at the same path
// (dist/commands/queue/ls.js) and holds all the host code the command may use: a module the command imports
// dynamically is still evaluated only when reached, but it is read with the command's file.
// npm packages stay external, with three kinds of exception: INLINED_PACKAGES (used by the host only, bundled in),
// zod and @millrace/plugin-api in the commands that load no plugin (PLUGIN_SHARED_PACKAGES, below), and @oclif/core,
// which becomes one CommonJS file (dist/vendor/oclif-core.cjs, behind the ESM module dist/vendor/oclif-core.js) that
// bin/run.js and every command bundle import, instead of its ~160 modules. Each command bundle is CommonJS (.cjs) behind
// an ES module at tsc's path that compiles it from its V8 code cache (cachedScriptLoader; see "commands and hooks").
// The rest of dist/ (tsc's output) stays as it is: the package exports (`millrace/views`) and the plugins use it.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { builtinModules, createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');

function tsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * The text of an ES module that compiles the CommonJS file `file` (whose text is `source`) with node:vm, from its V8
 * code cache when V8 accepts it, and leaves its exports in `module.exports` (the module's own export lines follow).
 * The cache's name holds the source's sha256, so a rebuilt file never meets an older cache; scripts/code-caches.mjs
 * writes it, finding it under the global `Symbol.for('millrace.codeCaches')` (so the module exports nothing more). `importModule`: the script's `import()` calls were pointed at
 * `__millraceImport`, the loader's (a node:vm script has none of its own on Node 20); `importMetaUrl`: the script reads
 * the loader's URL as `__millraceImportMetaUrl`; `externalModule`: `__millraceExternal(specifier)` returns the namespace
 * of a package the loader imported (its `externalModules`). Any earlier cache of the file is removed.
 */
function cachedScriptLoader(file, source, { importModule = false, importMetaUrl = false, externalModule = false } = {}) {
  const params = [
    [importModule, '__millraceImport', '(specifier) => import(specifier)'],
    [importMetaUrl, '__millraceImportMetaUrl', 'import.meta.url'],
    [externalModule, '__millraceExternal', '(specifier) => externalModules[specifier]'],
  ].flatMap(([wanted, name, value]) => (wanted ? [[name, value]] : []));
  const name = file.slice(dirname(file).length + 1);
  for (const entry of readdirSync(dirname(file))) if (entry.startsWith(`${name}.`) && entry.endsWith('.code-cache')) rmSync(join(dirname(file), entry));
  const cache = `${name}.${createHash('sha256').update(source).digest('hex').slice(0, 16)}.code-cache`;
  return (
    `// ${name} is compiled here, from its V8 code cache when V8 accepts it (scripts/bundle.mjs, cachedScriptLoader).\n` +
    `import { createRequire } from 'node:module';\n` +
    `import { readFileSync } from 'node:fs';\n` +
    `import { dirname } from 'node:path';\n` +
    `import { fileURLToPath } from 'node:url';\n` +
    `import { Script } from 'node:vm';\n\n` +
    `const file = fileURLToPath(new URL('./${name}', import.meta.url));\n` +
    `const codeCachePath = fileURLToPath(new URL('./${cache}', import.meta.url));\n` +
    `let cachedData;\n` +
    `try {\n` +
    `  cachedData = readFileSync(codeCachePath);\n` +
    `} catch {\n` +
    `  cachedData = undefined; // not built yet, or removed: compiled from source\n` +
    `}\n` +
    `const script = new Script(\`(function (exports, require, module, __filename, __dirname${params.map(([name]) => `, ${name}`).join('')}) {\${readFileSync(file, 'utf8')}\\n})\`, { filename: file, cachedData });\n` +
    `// For scripts/code-caches.mjs and its test, not for the module's importers: whether this process compiled the file\n` +
    `// from the cache ('accepted'; 'rejected': another V8 or other flags; 'absent'), and the cache as compiled so far.\n` +
    `(globalThis[Symbol.for('millrace.codeCaches')] ??= []).push({\n` +
    `  path: codeCachePath,\n` +
    `  state: cachedData === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted',\n` +
    `  create: () => script.createCachedData(),\n` +
    `});\n` +
    `const module = { exports: {} };\n` +
    `script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dirname(file)${params.map(([, value]) => `, ${value}`).join('')});\n`
  );
}

// ---- @oclif/core as one file ----
// The names the host imports from @oclif/core (bin/run.js: execute). A name missing here fails the command bundles'
// build below (esbuild checks named imports of the ESM module against its exports).
const OCLIF_NAMES = ['Args', 'Command', 'Config', 'Errors', 'Flags', 'execute'];
const vendor = join(dist, 'vendor');
// Five edits of @oclif/core's start-up work that change no outcome (each must match, or the build fails, e.g. after an
// upgrade of @oclif/core: re-check the edit then):
// - `findMatchingDependencies` (config/plugin-loader.js) tests every dependency against every `oclif.plugins` entry
//   with minimatch, compiling a pattern per pair (19 x 10 here, ~15 ms of CPU per command). An entry without glob
//   syntax matches exactly the dependency of that name, so it is compared as a string; others still go to minimatch.
// - `checkNodeVersion` (index.js) loads semver to check `../package.json` (@oclif/core's own engines) next to the
//   module. In the bundle that is dist/package.json, which does not exist, so it always ended in its empty catch
//   after loading semver (~10 ms): the call is dropped.
// - Plugin.load sorts each plugin's commands by `a.id.localeCompare(b.id)`, the process's first localeCompare, which
//   builds ICU's collator (~10-30 ms of CPU): it sorts with src/contracts/locale-order.ts instead, the same order
//   (unit-tested against localeCompare) without the collator for ids under an English locale.
// - config/plugin.js requires tinyglobby (with fdir and picomatch) when it loads, for the one case of a plugin whose
//   commands are found by a glob because it ships no manifest; every command paid for evaluating them (~1.5% of the
//   instructions of `queue ls`). The require now happens on the first glob.
// - performance.js requires node:perf_hooks when it loads, used only when oclif's performance tracing is on
//   (DEBUG=perf): about 1% of the instructions of `status`. The require now happens on the first use.
const OCLIF_EDITS = [
  {
    file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin-loader\.js$/,
    from: 'patterns.some((w) => (0, minimatch_1.minimatch)(p, w))',
    to: 'patterns.some((w) => (/[*?[\\]{}()!+@\\\\#]/.test(w.slice(w.startsWith("@") ? 1 : 0)) ? (0, minimatch_1.minimatch)(p, w) : p === w))',
  },
  {
    file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/,
    from: '.sort((a, b) => a.id.localeCompare(b.id))',
    to: `.sort(((order) => (a, b) => order(a.id, b.id))(require(${JSON.stringify(join(src, 'contracts', 'locale-order.ts'))}).localeOrder))`,
  },
  {
    file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/,
    from: 'const tinyglobby_1 = require("tinyglobby");',
    to: 'const tinyglobby_1 = { get glob() { return require("tinyglobby").glob; } };',
  },
  {
    file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]performance\.js$/,
    from: 'const node_perf_hooks_1 = require("node:perf_hooks");',
    to: 'const node_perf_hooks_1 = { get performance() { return require("node:perf_hooks").performance; }, get PerformanceObserver() { return require("node:perf_hooks").PerformanceObserver; } };',
  },
  { file: /[\\/]@oclif[\\/]core[\\/]lib[\\/]index\.js$/, from: '\ncheckNodeVersion();\n', to: '\n// checkNodeVersion(): dropped by scripts/bundle.mjs (a no-op in the bundle)\n' },
];
const editedOclif = new Set();
const editOclif = {
  name: 'edit-oclif',
  setup(build) {
    // One callback for every edited file (esbuild runs only the first onLoad that answers), applying all its edits.
    build.onLoad({ filter: /[\\/]@oclif[\\/]core[\\/]lib[\\/].*\.js$/ }, (args) => {
      const edits = OCLIF_EDITS.filter((edit) => edit.file.test(args.path));
      if (edits.length === 0) return undefined;
      let code = readFileSync(args.path, 'utf8');
      for (const edit of edits) {
        if (code.split(edit.from).length !== 2) throw new Error(`${args.path}: the text scripts/bundle.mjs edits is not there once (${edit.from.trim()})`);
        editedOclif.add(edit);
        code = code.replace(edit.from, edit.to);
      }
      return { contents: code, loader: 'js' };
    });
  },
};
await build({
  stdin: { contents: `export { ${OCLIF_NAMES.join(', ')} } from '@oclif/core';`, resolveDir: root, sourcefile: 'oclif-core-entry.js' },
  outfile: join(vendor, 'oclif-core.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Loaded by oclif only to read a linked TypeScript plugin's tsconfig: resolved from node_modules when needed.
  external: ['typescript'],
  plugins: [editOclif],
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
if (editedOclif.size !== OCLIF_EDITS.length) throw new Error('scripts/bundle.mjs: a file of @oclif/core it edits was not bundled (see OCLIF_EDITS)');
// oclif-core.js compiles oclif-core.cjs itself (node:vm, as Node's CommonJS loader would, in a function of the same
// parameters) so that V8 can start from a code cache instead of parsing and compiling 0.42 MB of oclif on every command:
// scripts/code-caches.mjs writes the cache at the end of `npm run build` (bytecode of the functions a command's
// start-up runs), and a one-shot command (bin/run.js's V8 flags) loads it: ~80M fewer instructions for
// `compile validate` on an empty workspace (1,207M -> 1,125M; valgrind). V8 refuses a cache made by another V8 version
// or with other flags (the daemon's, a NODE_OPTIONS flag), and the source is then compiled as before; the cache's name
// holds the sha256 of the source it was made from, so a rebuilt oclif-core.cjs never meets an older cache. A script
// compiled by node:vm has no dynamic import() of its own (Node 20 offers one only behind a flag or as an experimental
// constant that warns), so oclif's import() calls (its module loader's, for ESM commands and hooks, and lilconfig's)
// call the loader's import() instead: the same specifiers (absolute file URLs), resolved from the same folder.
const OCLIF_DYNAMIC_IMPORTS = 5;
const oclifFile = join(vendor, 'oclif-core.cjs');
let oclifImports = 0;
const oclifSource = readFileSync(oclifFile, 'utf8').replace(/(?<![\w$."])import\(/g, () => {
  oclifImports += 1;
  return '__millraceImport(';
});
if (oclifImports !== OCLIF_DYNAMIC_IMPORTS) throw new Error(`scripts/bundle.mjs: @oclif/core has ${oclifImports} dynamic import() calls, not ${OCLIF_DYNAMIC_IMPORTS} (see OCLIF_DYNAMIC_IMPORTS)`);
writeFileSync(oclifFile, oclifSource);
writeFileSync(
  join(vendor, 'oclif-core.js'),
  `// Generated by scripts/bundle.mjs: @oclif/core bundled into oclif-core.cjs; one instance for bin/run.js and every command.\n` +
    cachedScriptLoader(oclifFile, oclifSource, { importModule: true }) +
    `export const { ${OCLIF_NAMES.join(', ')} } = module.exports;\n`,
);

// ---- zod as one file, shared by the host and the first-party plugins ----
// The host, @millrace/plugin-api and the first-party plugins import zod as `@millrace/plugin-api/zod`
// (plugins/plugin-api/src/zod.ts: `export * from 'zod'`). Here tsc's output of that module is replaced by zod bundled
// into one ES module, so a command that loads plugins (compile, doctor, run, ...) reads one file instead of zod's ~100
// modules, and the host and the plugins it loads still share one zod instance. zod's translations of its error
// messages (`z.locales`, 64 modules, about a third of its code) are left out: nothing here sets a locale, and zod's
// own English messages (`locales/en.js`, which zod installs itself) stay. The build fails when that module is not
// there to leave out (e.g. after an upgrade of zod: check the edit then).
// zod itself is built as CommonJS (zod.cjs) behind zod.js, an ES module that compiles it from its V8 code cache when V8
// accepts it (cachedScriptLoader, as for oclif) and exports its names: about 45M fewer instructions for `compile show`
// on an empty workspace (1,170M -> 1,124M; valgrind), and for `run once`, which loads it before it starts. A process
// whose V8 flags refuse the cache (a long-running command) compiles zod.cjs from source: ~16M more than the ES module.
const SHARED_ZOD = join(root, 'plugins', 'plugin-api', 'dist', 'zod.js');
const SHARED_ZOD_CJS = join(root, 'plugins', 'plugin-api', 'dist', 'zod.cjs');
const LOCALES_INDEX = /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/;
let localesLeftOut = false;
await build({
  stdin: { contents: `export * from 'zod';`, resolveDir: join(root, 'plugins', 'plugin-api'), sourcefile: 'plugin-api-zod-entry.js' },
  outfile: SHARED_ZOD_CJS,
  bundle: true,
  // Whitespace only (names and code unchanged): 0.40 -> 0.31 MB for V8 to scan on every command that loads plugins.
  minifyWhitespace: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  banner: { js: '// Generated by scripts/bundle.mjs: zod in one module (without z.locales), shared by the host and the first-party plugins (through zod.js).' },
  plugins: [
    {
      name: 'zod-without-locales',
      setup(build) {
        build.onLoad({ filter: LOCALES_INDEX }, () => {
          localesLeftOut = true;
          return { contents: 'export {};', loader: 'js' };
        });
      },
    },
  ],
  logLevel: 'warning',
});
if (!localesLeftOut) throw new Error('scripts/bundle.mjs: zod/v4/locales/index.js was not found in zod (see SHARED_ZOD)');
rmSync(`${SHARED_ZOD}.map`, { force: true }); // tsc's map of the re-export it replaces
// zod's names (some are reserved words: `enum`, `null`, ...), each exported under its own name.
const zodNames = Object.keys(createRequire(import.meta.url)(SHARED_ZOD_CJS)).filter((name) => name !== '__esModule' && name !== 'default');
writeFileSync(
  SHARED_ZOD,
  `// Generated by scripts/bundle.mjs: zod in one module (without z.locales), shared by the host and the first-party plugins.\n` +
    cachedScriptLoader(SHARED_ZOD_CJS, readFileSync(SHARED_ZOD_CJS, 'utf8')) +
    `const zod = module.exports;\n` +
    `const ${zodNames.map((name, i) => `z${i} = zod.${name}`).join(', ')};\n` +
    `export { ${zodNames.map((name, i) => `z${i} as ${name}`).join(', ')} };\n`,
);
// The entry point of @millrace/plugin-api becomes one module too (its ~10 modules; zod stays the shared file above).
// Its subpaths (agent-process, testing) stay tsc's output: they hold no state the entry point shares.
const PLUGIN_API_INDEX = join(root, 'plugins', 'plugin-api', 'dist', 'index.js');
await build({
  entryPoints: [join(root, 'plugins', 'plugin-api', 'src', 'index.ts')],
  outfile: PLUGIN_API_INDEX,
  bundle: true,
  sourcemap: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [
    {
      name: 'shared-zod-and-packages-external',
      setup(build) {
        build.onResolve({ filter: /^\.\/zod\.js$/ }, () => ({ path: './zod.js', external: true }));
        build.onResolve({ filter: /^[^./]/ }, (args) => ({ path: args.path, external: true }));
      },
    },
  ],
  tsconfig: join(root, 'plugins', 'plugin-api', 'tsconfig.json'),
  logLevel: 'warning',
});

// ---- zod without its JIT for one-shot commands ----
// zod 4 compiles a parser per object schema (new Function) the first time the schema parses, which costs more than it
// saves when a process parses each state file once: `status` on an empty workspace spent ~30 ms in it. The setting is
// read when a schema is built, so this module runs before any schema of those command bundles is built: injected
// (esbuild `inject`) into bundles that carry their own zod, else their first import (before @millrace/plugin-api
// builds its schemas). The long-running `run daemon` keeps the JIT; `run once` (one tick) does not.
const ZOD_JITLESS = join(vendor, 'zod-jitless.js');
const keepsZodJit = (entry) => entry === 'commands/run/daemon' || entry.startsWith('hooks/');
writeFileSync(
  ZOD_JITLESS,
  `// Generated by scripts/bundle.mjs: run first by one-shot command bundles (see the script).\n` +
    `import * as z from '@millrace/plugin-api/zod';\n\n` +
    `z.config({ jitless: true });\n`,
);
const BANNER = '// millrace:first-import';

// ---- commands and hooks ----
// Packages only the host uses, with no state a plugin could share: bundled in (smol-toml: 9 ES modules on every
// command that reads millrace.toml, one lazy part of the bundle instead). Every other package stays external.
const INLINED_PACKAGES = ['smol-toml'];
// zod (~100 ES modules) and @millrace/plugin-api are bundled into the one-shot commands that load no plugin module
// (status, queue ls, ...): one file is read and compiled instead of ~110 modules resolved and linked one by one. A
// command that collects the registry (`this.registry()` in its source: every plugin's contribute hook, whose modules
// import zod and @millrace/plugin-api from node_modules) and the long-running ones keep both external, so the host and
// the plugins it loads share one instance of each instead of loading two. Nothing relies on sharing them: the host only
// calls `safeParse` on a plugin's schema and checks errors without instanceof (src/errors/millrace-error.ts).
// `compile validate` (`this.planRegistry(`) carries its own too: with a current contributions manifest it loads no
// hook, only the modules its plan's runners name for their preflight (RunnerContribution.preflightModule, which load
// no zod); when it does run hooks (a stale manifest, a runner without such a module) the plugins load their zod next
// to its own, correct and only slower, as for `status`.
// `run once` (`this.runRegistry(`) always runs the hook of its runners' plugins, so it keeps both external.
// Their entry points only: a subpath (`@millrace/plugin-api/agent-process` finds a sibling file through
// import.meta.url, which a bundle would move) stays external, and the architecture test then flags the command.
const PLUGIN_SHARED_PACKAGES = ['zod', '@millrace/plugin-api', '@millrace/plugin-api/zod'];
const loadsPlugins = (entry, file) => keepsZodJit(entry) || /\bthis\.(registry|runRegistry)\(/.test(readFileSync(file, 'utf8'));
// A bundle that carries its own zod takes @millrace/plugin-api from its sources, not from the one-module build above:
// its `./zod.js` is then zod's own modules, from which esbuild keeps only what the bundle uses (the host imports zod as
// a namespace), instead of all of the shared zod file.
const PLUGIN_API_SOURCES = { '@millrace/plugin-api': join(root, 'plugins', 'plugin-api', 'src', 'index.ts'), '@millrace/plugin-api/zod': join(root, 'plugins', 'plugin-api', 'src', 'zod.ts') };
function externalPackagesBut(inlined, inlinedEntryPoints = []) {
  return {
    name: 'external-packages',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (inlinedEntryPoints.includes(args.path) && Object.hasOwn(PLUGIN_API_SOURCES, args.path)) return { path: PLUGIN_API_SOURCES[args.path] };
        return inlinedEntryPoints.includes(args.path) || inlined.some((name) => args.path === name || args.path.startsWith(`${name}/`)) ? undefined : { path: args.path, external: true };
      });
    },
  };
}
// Schemas a bundle does not use are left out of it. A module that builds zod schemas builds them all when it is
// evaluated (top-level `const XSchema = z.object(...)`), and esbuild keeps every call it cannot prove free of side
// effects, so each command built every schema of the host's contracts and of @millrace/plugin-api that its modules
// hold (compile validate: the stage request, raw result and artifact schemas it never uses, ~5% of its CPU). In the
// modules that import zod, every call (and `new`) in a top-level variable's initializer, outside nested functions,
// gets esbuild's `/* @__PURE__ */` mark: those initializers build schemas and constants and nothing else (helpers
// like `positiveInt()` and `assetPath()` included), so a variable no code reads is dropped with its calls, and one
// that is read is built exactly as before. The marks go in on the same lines, so the source maps still hold.
const SCHEMA_MODULE = /from '(?:@millrace\/plugin-api\/zod|\.\/zod\.js)'/;
const PURE = '/* @__PURE__ */ ';
function markSchemaInitializersPure(file, text) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const starts = new Set();
  const visit = (node) => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) starts.add(node.getStart(source));
    ts.forEachChild(node, visit);
  };
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) if (declaration.initializer) visit(declaration.initializer);
  }
  let out = text;
  for (const start of [...starts].sort((a, b) => b - a)) out = out.slice(0, start) + PURE + out.slice(start);
  return out;
}
const pureSchemaInitializers = {
  name: 'pure-schema-initializers',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const rel = relative(root, args.path).split(sep).join('/');
      if (!rel.startsWith('src/') && !rel.startsWith('plugins/plugin-api/src/')) return undefined;
      const text = readFileSync(args.path, 'utf8');
      return SCHEMA_MODULE.test(text) ? { contents: markSchemaInitializersPure(args.path, text), loader: 'ts' } : undefined;
    });
  },
};
const entryPoints = Object.fromEntries(
  ['commands', 'hooks'].flatMap((folder) => tsFiles(join(src, folder))).map((file) => [relative(src, file).slice(0, -3).split(sep).join('/'), file]),
);
const entriesWhere = (keep) => Object.fromEntries(Object.entries(entryPoints).filter(([entry, file]) => keep(entry, file)));
const buildGroup = (entries, inlinedEntryPoints, inject) =>
  build({
    entryPoints: entries,
    outdir: dist,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    sourcemap: true,
    format: 'cjs',
    // The bundle runs as a function of the CommonJS parameters and `__millraceImportMetaUrl`, the URL of its ES module facade
    // (same folder, so paths found from it are the ones the ES module bundle found).
    define: { 'import.meta.url': '__millraceImportMetaUrl' },
    platform: 'node',
    target: 'node20',
    plugins: [externalPackagesBut(INLINED_PACKAGES, inlinedEntryPoints), pureSchemaInitializers],
    inject,
    tsconfig: join(root, 'tsconfig.json'),
    logLevel: 'warning',
    metafile: true,
    banner: { js: BANNER },
  });
const ownZod = entriesWhere((entry, file) => !loadsPlugins(entry, file));
const results = await Promise.all([
  buildGroup(entriesWhere(loadsPlugins), [], []),
  buildGroup(ownZod, PLUGIN_SHARED_PACKAGES, [ZOD_JITLESS]),
]);
const outputs = Object.assign({}, ...results.map((result) => result.metafile.outputs));
// Each bundle is CommonJS (.cjs); the file at tsc's path becomes its ES module facade (cachedScriptLoader): its first
// line the zod-jitless import (or a comment), then a static import of every npm package the bundle requires (as the
// ES module bundle imported them, `@oclif/core` as the vendored file), whose namespaces the bundle's require() calls
// of those packages now return (`__toESM(require(x), 1)` too, so a default import is the package's `default`, as in
// ESM); node built-ins keep require(). import() calls go to the facade's import(), `import.meta.url` is the facade's
// URL (same folder). Edits stay on their lines, so the source maps still hold.
const importPath = (file, target) => {
  const path = relative(dirname(file), target).split(sep).join('/');
  return path.startsWith('.') ? path : `./${path}`;
};
const isBuiltin = (specifier) => specifier.startsWith('node:') || builtinModules.includes(specifier);
for (const output of Object.keys(outputs).filter((file) => file.endsWith('.cjs'))) {
  const cjsFile = join(root, output);
  const file = cjsFile.slice(0, -4) + '.js';
  const entry = relative(dist, file).slice(0, -3).split(sep).join('/');
  const code = readFileSync(cjsFile, 'utf8');
  if (!code.startsWith(`${BANNER}\n`)) throw new Error(`${output}: esbuild's banner is not the first line`);
  const first = keepsZodJit(entry) ? `${BANNER} (zod keeps its JIT)` : Object.hasOwn(ownZod, entry) ? `${BANNER} (zod bundled in, jitless)` : `import "${importPath(file, ZOD_JITLESS)}";`;
  const oclif = importPath(file, join(vendor, 'oclif-core.js'));
  const packages = [];
  const packageOf = (specifier) => {
    if (!packages.includes(specifier)) packages.push(specifier);
    return `__millraceExternal(${JSON.stringify(specifier)})`;
  };
  const source = code
    .replaceAll(/__toESM\(require\("([^"]+)"\), 1\)|require\("([^"]+)"\)/g, (text, a, b) => (isBuiltin(a ?? b) ? text : packageOf(a ?? b)))
    .replaceAll(/(?<![\w$."])import\(/g, '__millraceImport(')
    .replaceAll('__millraceImport("@oclif/core")', `__millraceImport("${oclif}")`);
  if (/(?<![\w$."'])require\(/.test(source.replaceAll(/require\("(node:)?[a-z0-9_/]+"\)/g, ''))) throw new Error(`${output}: a require() scripts/bundle.mjs does not map`);
  writeFileSync(cjsFile, source);
  rmSync(`${file}.map`, { force: true }); // tsc's map of the module the facade replaces
  const specifierOf = (name) => (name === '@oclif/core' ? oclif : name);
  writeFileSync(
    file,
    `${first}\n` +
      packages.map((name, i) => `import * as package${i} from ${JSON.stringify(specifierOf(name))};\n`).join('') +
      `const externalModules = { ${packages.map((name, i) => `${JSON.stringify(name)}: package${i}`).join(', ')} };\n` +
      cachedScriptLoader(cjsFile, source, { importModule: true, importMetaUrl: true, externalModule: true }) +
      `export default module.exports.default;\n`,
  );
}

// `npm run build` step after `tsc -b`: bundle each oclif command and hook of the host with esbuild (ESM), so a
// command loads one file instead of dozens of host modules. Entries are every `.ts` under src/commands and src/hooks
// (a new command is picked up without any change here); each bundle replaces tsc's output at the same path
// (dist/commands/queue/ls.js) and holds all the host code the command may use: a module the command imports
// dynamically is still evaluated only when reached, but it is read with the command's file.
// npm packages stay external: plugins load the same zod, @oclif/core and @millrace/plugin-api instances.
// The rest of dist/ (tsc's output) stays as it is: the package exports (`millrace/views`) and the plugins use it.
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

function tsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const entryPoints = Object.fromEntries(
  ['commands', 'hooks'].flatMap((folder) => tsFiles(join(src, folder))).map((file) => [relative(src, file).slice(0, -3).split(sep).join('/'), file]),
);
await build({
  entryPoints,
  outdir: join(root, 'dist'),
  bundle: true,
  sourcemap: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  tsconfig: join(root, 'tsconfig.json'),
  logLevel: 'warning',
});

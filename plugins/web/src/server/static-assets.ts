import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export type StaticAsset = { body: Uint8Array<ArrayBuffer>; contentType: string };
export type StaticAssets = { shell: string; files: Map<string, StaticAsset> };

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.html': 'text/html; charset=utf-8',
};

/** The plugin's `public/` folder (next to `dist/`). */
export const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'public');

/**
 * Everything the browser may load, read once at start into a fixed table of URL -> bytes: the pages under
 * `/static/` and the vendored chart library under `/vendor/`. No request path is ever joined onto a disk path.
 */
export function loadStaticAssets(): StaticAssets {
  const files = new Map<string, StaticAsset>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (TYPES[extname(entry.name)]) files.set(`/static/${relative(PUBLIC_DIR, path).split(sep).join('/')}`, { body: new Uint8Array(readFileSync(path)), contentType: TYPES[extname(entry.name)]! });
    }
  };
  walk(PUBLIC_DIR);
  const require = createRequire(import.meta.url);
  const uplot = dirname(require.resolve('uplot/package.json'));
  files.set('/vendor/uPlot.esm.js', { body: new Uint8Array(readFileSync(join(uplot, 'dist', 'uPlot.esm.js'))), contentType: TYPES['.js']! });
  files.set('/vendor/uPlot.min.css', { body: new Uint8Array(readFileSync(join(uplot, 'dist', 'uPlot.min.css'))), contentType: TYPES['.css']! });
  const shell = readFileSync(join(PUBLIC_DIR, 'index.html'), 'utf8');
  files.delete('/static/index.html');
  return { shell, files };
}

import { extname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);

/**
 * The folder holding the host's code: `dist` when built (a bundled command's chunk or tsc's module), `src` in
 * development. Found by name rather than relative to this module, whose depth differs between the two.
 */
export const HOST_CODE_ROOT = ((): string => {
  const at = Math.max(here.lastIndexOf(`${sep}dist${sep}`), here.lastIndexOf(`${sep}src${sep}`));
  return here.slice(0, here.indexOf(sep, at + 1));
})();

/** `.js` when built, `.ts` in development: the extension of the host's own modules under HOST_CODE_ROOT. */
export const HOST_CODE_EXT = extname(here);

/** Packaged assets (entrypoints, skills, graphs): `src/assets` in development, `dist/assets` when built. */
export const ASSET_ROOT = `${HOST_CODE_ROOT}${sep}assets${sep}`;

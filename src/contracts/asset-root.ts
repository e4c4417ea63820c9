import { fileURLToPath } from 'node:url';

/** Packaged assets (entrypoints, skills, graphs): `src/assets` in development, `dist/assets` when built. */
export const ASSET_ROOT = fileURLToPath(new URL('../assets/', import.meta.url));

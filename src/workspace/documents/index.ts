export * from './parse.js';
export * from './render.js';
export * from './problems.js';
export { normalizeBody } from './front-matter.js';
export * from './skeleton.js';

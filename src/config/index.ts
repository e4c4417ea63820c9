export * from './load.js';
export * from './merge-layers.js';
export * from './discover.js';
export * from './config-issues.js';
export * from './runner-sections.js';

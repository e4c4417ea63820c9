export * from './targets.js';
export * from './contracts.js';
export * from './drift-diagnostic.js';

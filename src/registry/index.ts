export * from './registry.js';
export * from './collect.js';

export * from './vocabulary.js';
export * from './stage-request.js';
export * from './definitions.js';
export * from './contributions.js';
export * from './prompt.js';
export * from './artifacts.js';
export * from './host-views.js';
export * from './timers.js';

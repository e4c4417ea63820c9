export * from './file-name.js';
export * from './write.js';
export * from './drain.js';
export * from './envelope.js';
export * from './parse-envelope.js';

export * from './targets.js';
export * from './contracts.js';
export * from './drift-diagnostic.js';
export * from './lineage-documents.js';

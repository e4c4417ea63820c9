export * from './millrace-error.js';
export * from './zod-issues.js';

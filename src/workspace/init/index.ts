export * from './init-workspace.js';
export * from './upgrade-workspace.js';
export * from './upgrade-dispositions.js';
export * from './baseline-manifest.js';
export * from './bootstrap-files.js';
export * from './asset-files.js';
export * from './file-writes.js';

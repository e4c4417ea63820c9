/**
 * zod as the host and the first-party plugins share it: `@millrace/plugin-api/zod`. In a build this file is replaced
 * by zod bundled into one ES module (the host's scripts/bundle.mjs), so a command that loads plugins reads one file
 * instead of zod's ~100 modules, and the host, this package and the first-party plugins use one zod instance.
 * A plugin may as well import `zod` itself: nothing depends on sharing the instance.
 */
export * from 'zod';

#!/usr/bin/env -S node --import tsx
import { execute } from '@oclif/core';
import { splitLeadingWorkspaceFlag } from '../src/cli/leading-flags.ts';

const { argv, missingCommand } = splitLeadingWorkspaceFlag(process.argv.slice(2));
if (missingCommand) {
  process.stderr.write('Error (USAGE): --workspace needs a command after it, e.g. `millrace --workspace DIR status`\n');
  process.exit(2);
}
await execute({ args: argv, development: true, dir: import.meta.url });

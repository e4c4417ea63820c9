#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import { splitLeadingWorkspaceFlag } from '../dist/cli/leading-flags.js';
import { fastVersionLine } from '../dist/cli/version-fast-path.js';
import { mayRunLong } from '../dist/cli/optimizing-tier.js';

// Keep V8's young generation at its initial size instead of growing each semi-space to 16 MB: a command's garbage is
// short-lived, and the grown semi-spaces were most of the peak RSS of `status` or `queue ls` over 10,000 tasks
// (115 MB -> 88 MB) at no measurable cost in time. Read by V8 whenever it resizes the heap, so setting it here works.
setFlagsFromString('--semi-space-growth-factor=1');

const { argv, missingCommand } = splitLeadingWorkspaceFlag(process.argv.slice(2));
// One-shot commands run on the interpreter and the baseline compiler only: TurboFan's compile zones were ~8 MB of the
// peak RSS of `status` over 10,000 tasks, and its code never paid back its compile time in a command this short.
// Daemons, watches and follows keep it (src/cli/optimizing-tier.ts).
if (!mayRunLong(argv)) setFlagsFromString('--no-opt');
if (missingCommand) {
  process.stderr.write('Error (USAGE): --workspace needs a command after it, e.g. `millrace --workspace DIR status`\n');
  process.exit(2);
}
// `--version` / `-v`: oclif's own line without loading oclif (src/cli/version-fast-path.ts says when oclif answers).
const versionLine = fastVersionLine(argv, new URL('../package.json', import.meta.url));
if (versionLine !== undefined) {
  process.stdout.write(`${versionLine}\n`);
} else {
  const { execute } = await import('../dist/vendor/oclif-core.js');
  await execute({ args: argv, dir: import.meta.url });
}

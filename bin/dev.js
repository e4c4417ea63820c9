#!/usr/bin/env -S node --import tsx
import { execute } from '@oclif/core';
import { moveLeadingWorkspaceFlag } from '../src/cli/leading-flags.ts';

await execute({ args: moveLeadingWorkspaceFlag(process.argv.slice(2)), development: true, dir: import.meta.url });

#!/usr/bin/env node
import { execute } from '@oclif/core';
import { moveLeadingWorkspaceFlag } from '../dist/cli/leading-flags.js';

await execute({ args: moveLeadingWorkspaceFlag(process.argv.slice(2)), dir: import.meta.url });

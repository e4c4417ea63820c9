#!/usr/bin/env node
// Deterministic demo agent for `npm run demo`: reads the stage from MILLRACE_STAGE and prints its marker.
// Tasks whose id contains "fix" fail the first check (### FIX_NEEDED) until a fixer has run in the same run.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const PASS = {
  builder: 'BUILDER_COMPLETE', checker: 'CHECKER_PASS', fixer: 'FIXER_COMPLETE', doublechecker: 'DOUBLECHECK_PASS',
  updater: 'UPDATE_COMPLETE', troubleshooter: 'TROUBLESHOOT_COMPLETE', consultant: 'CONSULT_COMPLETE',
  planner: 'PLANNER_COMPLETE', manager: 'MANAGER_COMPLETE', mechanic: 'MECHANIC_COMPLETE', auditor: 'AUDITOR_COMPLETE', arbiter: 'ARBITER_COMPLETE',
};
const stage = process.env.MILLRACE_STAGE ?? '';
const item = process.env.MILLRACE_WORK_ITEM_ID ?? '';
const runDir = process.env.MILLRACE_RUN_DIR ?? '';

function fixerRan() {
  const dir = join(runDir, 'stage_results');
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((f) => f.endsWith('.json') && JSON.parse(readFileSync(join(dir, f), 'utf8')).stage === 'fixer');
}

process.stdin.resume();
process.stdin.on('end', () => {
  let marker = PASS[stage] ?? 'BLOCKED';
  if (stage === 'checker' && item.includes('fix') && !fixerRan()) marker = 'FIX_NEEDED';
  const notes = {
    builder: `built ${item}`,
    checker: marker === 'FIX_NEEDED' ? `found a problem in ${item}` : `checked ${item}`,
    fixer: `fixed ${item}`,
    doublechecker: `re-checked ${item}`,
    updater: `recorded ${item} as done`,
  };
  setTimeout(() => {
    process.stdout.write(`${notes[stage] ?? `${stage} ran`}\n### ${marker}\n`);
  }, Number(process.env.DEMO_AGENT_DELAY_MS ?? 400));
});

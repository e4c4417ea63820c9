#!/usr/bin/env node
// `npm run demo`: a fresh demo workspace, two queued tasks, the daemon with listr2 progress
// (builder -> checker -> (fixer -> doublechecker) -> updater) through the command runner, then `millrace status`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(repo, 'bin', 'run.js');
const run = (args, opts = {}) => {
  const r = spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit', ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}
const manifest = join(repo, 'oclif.manifest.json');
if (!existsSync(manifest) || !existsSync(join(repo, 'dist', 'commands', 'run', 'daemon.js')) || newestMtime(join(repo, 'src')) > statSync(manifest).mtimeMs) {
  console.log('Building Millrace (dist is missing or older than src)...');
  const b = spawnSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

const ws = join(process.env.MILLRACE_DEMO_DIR ?? tmpdir(), '.millrace-demo');
rmSync(ws, { recursive: true, force: true });
mkdirSync(ws, { recursive: true });
console.log(`\n== millrace init (${ws})`);
run(['init', '-w', ws]);

const runtime = join(ws, 'millrace-agents');
// Stage contracts shipped with the package are deployed by init; fill any gap so the demo plan compiles.
const stages = { execution: ['builder', 'checker', 'fixer', 'doublechecker', 'updater', 'troubleshooter', 'consultant'], planning: ['planner', 'manager', 'mechanic', 'auditor', 'arbiter'] };
for (const [plane, names] of Object.entries(stages)) {
  for (const s of names) {
    for (const rel of [`entrypoints/${plane}/${s}.md`, `skills/stage/${plane}/${s}-core/SKILL.md`]) {
      const f = join(runtime, rel);
      if (!existsSync(f)) {
        mkdirSync(dirname(f), { recursive: true });
        writeFileSync(f, `# ${s}\n\nDemo contract: print exactly one legal terminal marker.\n`);
      }
    }
  }
}
writeFileSync(
  join(runtime, 'millrace.toml'),
  `[runtime]\ndefault_mode = "default_command"\nidle_sleep_seconds = 0.2\n\n[runners]\ndefault_runner = "command"\n\n[runners.command]\ncommand = ${JSON.stringify(process.execPath)}\nargs = [${JSON.stringify(join(repo, 'scripts', 'demo-agent.mjs'))}]\n`,
);

const tasks = [
  ['demo-001-greeting', 'Add a greeting banner', '2026-01-01T00:00:00Z'],
  ['demo-002-fix-typo', 'Fix the typo in the footer', '2026-01-01T00:00:01Z'],
];
const inbox = join(ws, 'demo-tasks');
mkdirSync(inbox, { recursive: true });
for (const [id, title, at] of tasks) {
  const file = join(inbox, `${id}.md`);
  writeFileSync(file, `---\ntask_id: ${id}\ntitle: ${title}\ncreated_at: ${at}\ncreated_by: demo\ntarget_paths: [src/app.ts]\nacceptance: [the change is visible]\nrequired_checks: [npm test]\nreferences: [none]\nrisk: [low]\n---\n${title}.\n`);
  console.log(`\n== millrace queue add-task ${id}`);
  run(['queue', 'add-task', file, '-w', ws]);
}

console.log('\n== millrace run daemon --max-ticks 10');
run(['run', 'daemon', '-w', ws, '--max-ticks', '10']);
console.log('\n== millrace status');
run(['status', '-w', ws]);
console.log(`\nDemo workspace: ${ws}\nTry: node bin/run.js runs ls -w ${ws}`);
console.log(`See it in the browser (Ctrl-C to stop): node bin/run.js web -w ${ws}`);

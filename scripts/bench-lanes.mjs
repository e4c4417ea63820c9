#!/usr/bin/env node
// Lanes benchmark (issue 18): drain time of BENCH_LANE_TASKS (default 20) independent tasks x 3 stages with an agent
// that takes BENCH_LANE_AGENT_SECONDS (default 1) per stage and writes a file in its working directory, at
// max_parallel 1 (the serial runtime), 2 and 4 with worktree isolation, in a real git repository.
// Run after `npm run build`: `node scripts/bench-lanes.mjs`. BENCH_LANE_ISOLATION=none measures shared-tree lanes.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(repo, 'bin', 'run.js');
const TASKS = Number(process.env.BENCH_LANE_TASKS ?? 20);
const AGENT_SECONDS = Number(process.env.BENCH_LANE_AGENT_SECONDS ?? 1);
const ISOLATION = process.env.BENCH_LANE_ISOLATION === 'none' ? 'none' : 'worktree';
const git = (cwd, ...args) => spawnSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@localhost', ...args], { cwd, stdio: 'ignore' });

function workspace(maxParallel) {
  const ws = mkdtempSync(join(tmpdir(), 'millrace-bench-lanes-'));
  spawnSync(process.execPath, [bin, 'init', '-w', ws], { stdio: 'ignore' });
  const runtime = join(ws, 'millrace-agents');
  for (const [plane, names] of Object.entries({ execution: ['builder', 'checker', 'fixer', 'doublechecker', 'updater', 'troubleshooter', 'consultant'], planning: ['planner', 'manager', 'mechanic', 'auditor', 'arbiter'] })) {
    for (const s of names) for (const rel of [`entrypoints/${plane}/${s}.md`, `skills/stage/${plane}/${s}-core/SKILL.md`]) {
      const f = join(runtime, rel);
      if (!existsSync(f)) { mkdirSync(dirname(f), { recursive: true }); writeFileSync(f, `# ${s}\n`); }
    }
  }
  const agent = `case "$MILLRACE_STAGE" in builder) m=BUILDER_COMPLETE;; checker) m=CHECKER_PASS;; updater) m=UPDATE_COMPLETE;; *) m=BLOCKED;; esac; cat >/dev/null; sleep ${AGENT_SECONDS}; mkdir -p out; echo x > "out/$MILLRACE_WORK_ITEM_ID-$MILLRACE_STAGE.txt"; echo "### $m"`;
  const execution = maxParallel === 1 ? '' : `\n[execution]\nmax_parallel = ${maxParallel}\nisolation = "${ISOLATION}"\n`;
  writeFileSync(join(runtime, 'millrace.toml'), `[runtime]\ndefault_mode = "default_command"\nidle_sleep_seconds = 0.2\n\n[runners]\ndefault_runner = "command"\n\n[runners.command]\ncommand = "/bin/sh"\nargs = ["-c", ${JSON.stringify(agent)}]\n${execution}`);
  for (let i = 0; i < TASKS; i++) {
    const id = `lane-${String(i).padStart(3, '0')}`;
    writeFileSync(join(runtime, 'tasks', 'queue', `${id}.md`), `---\ntask_id: ${id}\ntitle: Lane ${i}\ncreated_at: 2026-01-01T00:00:00Z\ncreated_by: bench\ntarget_paths: [out/${id}]\nacceptance: [x]\nrequired_checks: [x]\nreferences: [x]\nrisk: [x]\n---\nx\n`);
  }
  writeFileSync(join(ws, '.gitignore'), 'millrace-agents/\n');
  git(ws, 'init', '-q', '-b', 'main');
  git(ws, 'add', '-A');
  git(ws, 'commit', '-q', '-m', 'base');
  return { ws, runtime };
}

async function drain(maxParallel) {
  const { ws, runtime } = workspace(maxParallel);
  const started = Date.now();
  const child = spawn(process.execPath, [bin, 'run', 'daemon', '-w', ws], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CI: '1' } });
  const exited = new Promise((r) => child.on('exit', r));
  const done = () => readdirSync(join(runtime, 'tasks', 'done')).filter((n) => n.endsWith('.md')).length;
  while (done() < TASKS && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
  const drainMs = Date.now() - started;
  child.kill('SIGTERM');
  await exited;
  const files = existsSync(join(ws, 'out')) ? readdirSync(join(ws, 'out')).length : 0;
  rmSync(ws, { recursive: true, force: true });
  return { maxParallel, drainMs, done: done, files };
}

const serialFloor = TASKS * 3 * AGENT_SECONDS;
console.log(`lanes: ${TASKS} tasks x 3 stages, ${AGENT_SECONDS} s agent, isolation ${ISOLATION} (load ${loadavg()[0].toFixed(1)}); agent time alone: ${serialFloor} s serial`);
for (const maxParallel of [1, 2, 4]) {
  const { drainMs, files } = await drain(maxParallel);
  const floor = serialFloor / maxParallel;
  console.log(`lanes max_parallel ${maxParallel}${maxParallel === 1 ? ' (serial runtime)' : ''}: drain ${(drainMs / 1000).toFixed(1)} s (agent-time floor ${floor.toFixed(0)} s), files on base branch: ${files}/${TASKS * 3}`);
}

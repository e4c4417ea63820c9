#!/usr/bin/env node
// `npm run bench`: runtime overhead per stage with an immediately-exiting runner, and N tasks x 3 stages through
// `run daemon` (total time, peak RSS). BENCH_TASKS (default 1000) sets N. Runs bench-queue/bench-compile/bench-lanes/bench-web/bench-startup too, unless
// BENCH_ONLY_RUNTIME is set. BENCH_NODE_ARGS passes node flags to the daemon (e.g. `--cpu-prof`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(repo, 'bin', 'run.js');
const N = Number(process.env.BENCH_TASKS ?? 1000);
if (!existsSync(join(repo, 'dist', 'commands', 'run', 'daemon.js'))) spawnSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });

const ws = mkdtempSync(join(tmpdir(), 'millrace-bench-'));
spawnSync(process.execPath, [bin, 'init', '-w', ws], { stdio: 'ignore' });
const runtime = join(ws, 'millrace-agents');
for (const [plane, names] of Object.entries({ execution: ['builder', 'checker', 'fixer', 'doublechecker', 'updater', 'troubleshooter', 'consultant'], planning: ['planner', 'manager', 'mechanic', 'auditor', 'arbiter'] })) {
  for (const s of names) for (const rel of [`entrypoints/${plane}/${s}.md`, `skills/stage/${plane}/${s}-core/SKILL.md`]) {
    const f = join(runtime, rel);
    if (!existsSync(f)) { mkdirSync(dirname(f), { recursive: true }); writeFileSync(f, `# ${s}\n`); }
  }
}
// The trivial runner: a shell one-liner that prints the passing marker of the stage and exits.
const agent = 'case "$MILLRACE_STAGE" in builder) m=BUILDER_COMPLETE;; checker) m=CHECKER_PASS;; updater) m=UPDATE_COMPLETE;; *) m=BLOCKED;; esac; cat >/dev/null; echo "### $m"';
writeFileSync(join(runtime, 'millrace.toml'), `[runtime]\ndefault_mode = "default_command"\n\n[runners]\ndefault_runner = "command"\n\n[runners.command]\ncommand = "/bin/sh"\nargs = ["-c", ${JSON.stringify(agent)}]\n`);
for (let i = 0; i < N; i++) {
  const id = `bench-${String(i).padStart(5, '0')}`;
  writeFileSync(join(runtime, 'tasks', 'queue', `${id}.md`), `---\ntask_id: ${id}\ntitle: Bench ${i}\ncreated_at: 2026-01-01T00:00:00Z\ncreated_by: bench\ntarget_paths: [x]\nacceptance: [x]\nrequired_checks: [x]\nreferences: [x]\nrisk: [x]\n---\nx\n`);
}

const started = Date.now();
const child = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : []), bin, 'run', 'daemon', '-w', ws, '--max-ticks', String(N * 3), '--json'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CI: '1' } });
let peakKb = 0;
const poll = setInterval(() => {
  try {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    if (m) peakKb = Math.max(peakKb, Number(m[1]));
  } catch { /* exited */ }
}, 100);
const code = await new Promise((r) => child.on('exit', r));
clearInterval(poll);
const totalMs = Date.now() - started;

const events = readFileSync(join(runtime, 'logs', 'runtime_events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const durations = new Map();
for (const run of readdirSync(join(runtime, 'runs'))) {
  for (const f of readdirSync(join(runtime, 'runs', run, 'stage_results'))) {
    const r = JSON.parse(readFileSync(join(runtime, 'runs', run, 'stage_results', f), 'utf8'));
    durations.set(f.slice(0, -5), r.duration_seconds * 1000);
  }
}
const starts = events.filter((e) => e.event_type === 'stage_started');
const overheads = [];
for (let i = 0; i + 1 < starts.length; i++) {
  const gap = Date.parse(starts[i + 1].occurred_at) - Date.parse(starts[i].occurred_at);
  overheads.push(gap - (durations.get(starts[i].data.request_id) ?? 0));
}
overheads.sort((a, b) => a - b);
const median = overheads[Math.floor(overheads.length / 2)] ?? NaN;
const done = readdirSync(join(runtime, 'tasks', 'done')).filter((n) => n.endsWith('.md')).length;
console.log(`tasks: ${N}  stages: ${starts.length}  done: ${done}  exit: ${code}`);
console.log(`total: ${(totalMs / 1000).toFixed(1)} s  peak RSS: ${(peakKb / 1024).toFixed(1)} MB (target < 150 MB)`);
console.log(`per-stage runtime overhead (excluding runner time): median ${median.toFixed(1)} ms, p90 ${(overheads[Math.floor(overheads.length * 0.9)] ?? NaN).toFixed(1)} ms (target median < 15 ms)`);
if (!process.env.BENCH_ONLY_RUNTIME) for (const extra of ['bench-queue.mjs', 'bench-compile.mjs', 'bench-lanes.mjs', 'bench-web.mjs', 'bench-startup.mjs']) {
  if (existsSync(join(repo, 'scripts', extra))) spawnSync(process.execPath, [join(repo, 'scripts', extra)], { stdio: 'inherit' });
}

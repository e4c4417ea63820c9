#!/usr/bin/env node
// Start-up and scale benchmark (issue 20). Every CLI case is timed against `node -e 0` measured interleaved in the
// same run (one baseline sample before every round of cases), so the ratios of medians stay meaningful on a loaded
// machine; peak RSS is each child's maxRSS from /usr/bin/time. Prints one table: target, measured, met or not.
// Run after `npm run build`: `node scripts/bench-startup.mjs` (BENCH_REPS rounds, default 5; BENCH_QUEUE_TASKS queued
// tasks, default 10,000; BENCH_DAEMON_TASKS for the daemon, default 1,000; BENCH_FIRST_SCAN_EXTRA more first scans of
// each format per round, default 3). scripts/bench.mjs runs it too.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'run.js');
const REPS = Number(process.env.BENCH_REPS ?? 5);
const TASKS = Number(process.env.BENCH_QUEUE_TASKS ?? 10_000);
const DAEMON_TASKS = Number(process.env.BENCH_DAEMON_TASKS ?? 1000);
const FIRST_SCAN_EXTRA = Number(process.env.BENCH_FIRST_SCAN_EXTRA ?? 3);
const TIME = '/usr/bin/time';
if (!existsSync(join(ROOT, 'dist', 'commands', 'queue', 'ls.js'))) throw new Error('run `npm run build` first');
if (!existsSync(TIME)) throw new Error(`${TIME} is needed for peak RSS (Debian package "time")`);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/** One child: wall time (ms) and peak RSS (KB). Throws on a non-zero exit unless allowed (all, or the one `okExit`). */
function measure(args, { allowFail = false, okExit = 0 } = {}) {
  const started = performance.now();
  const child = spawnSync(TIME, ['-f', '@@rss %M', process.execPath, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' }, maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - started;
  const rss = /@@rss (\d+)\s*$/.exec(child.stderr ?? '');
  if ((child.status !== 0 && child.status !== okExit && !allowFail) || !rss) throw new Error(`node ${args.join(' ')} failed (${child.status}): ${(child.stderr || child.stdout).slice(0, 500)}`);
  return { ms, rssKb: Number(rss[1]), stdout: child.stdout };
}
const cli = (...args) => [BIN, ...args];

// ---- workspaces ----
const scratch = mkdtempSync(join(tmpdir(), 'millrace-bench-startup-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

function initWorkspace(name) {
  const ws = join(scratch, name);
  mkdirSync(ws);
  measure(cli('init', '-w', ws));
  return ws;
}

const id = (i) => `task-${String(i).padStart(6, '0')}`;
const at = (i) => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString().replace('.000Z', 'Z');
/** The canonical format, as `renderWorkDocument` writes it. */
const canonicalTask = (i) =>
  `---\ntask_id: ${id(i)}\ntitle: Task ${i}\nsummary: benchmark task\ncreated_at: '${at(i)}'\ncreated_by: bench\n${i % 10 === 9 ? `depends_on:\n  - ${id(i - 1)}\n` : ''}tags:\n  - bench\ntarget_paths:\n  - src/file-${i}.ts\nacceptance:\n  - it works\nrequired_checks:\n  - npm test\nreferences:\n  - README.md\nrisk:\n  - none\n---\n\n# Task ${i}\n\nGenerated for the start-up benchmark.\n`;
/** The same task in the labelled (reference) format. */
const labelledTask = (i) =>
  `# Task ${i}\n\nTask-ID: ${id(i)}\nTitle: Task ${i}\nSummary: benchmark task\nCreated-At: ${at(i)}\nCreated-By: bench\n${i % 10 === 9 ? `Depends-On:\n- ${id(i - 1)}\n` : ''}Tags:\n- bench\nTarget-Paths:\n- src/file-${i}.ts\nAcceptance:\n- it works\nRequired-Checks:\n- npm test\nReferences:\n- README.md\nRisk:\n- none\n\nGenerated for the start-up benchmark.\n`;

function fillQueue(ws, count, render) {
  const dir = join(ws, 'millrace-agents', 'tasks', 'queue');
  for (let i = 0; i < count; i += 1) writeFileSync(join(dir, `${id(i)}.md`), render(i));
}

/** The trivial runner: a shell one-liner printing the stage's passing marker. */
function useCommandRunner(ws) {
  const runtime = join(ws, 'millrace-agents');
  const agent = 'case "$MILLRACE_STAGE" in builder) m=BUILDER_COMPLETE;; checker) m=CHECKER_PASS;; updater) m=UPDATE_COMPLETE;; *) m=BLOCKED;; esac; cat >/dev/null; echo "### $m"';
  writeFileSync(join(runtime, 'millrace.toml'), `[runtime]\ndefault_mode = "default_command"\n\n[runners]\ndefault_runner = "command"\n\n[runners.command]\ncommand = "/bin/sh"\nargs = ["-c", ${JSON.stringify(agent)}]\n`);
}

const parseCache = (ws) => join(ws, 'millrace-agents', 'state', 'queue_parse_cache.json');

/** Stage results not seen before, with their runner time. */
function newStageResults(ws, seen) {
  const runs = join(ws, 'millrace-agents', 'runs');
  const out = [];
  for (const run of existsSync(runs) ? readdirSync(runs) : []) {
    const dir = join(runs, run, 'stage_results');
    for (const f of existsSync(dir) ? readdirSync(dir) : []) {
      const file = join(dir, f);
      if (seen.has(file)) continue;
      seen.add(file);
      out.push(JSON.parse(readFileSync(file, 'utf8')));
    }
  }
  return out;
}

function events(ws) {
  const file = join(ws, 'millrace-agents', 'logs', 'runtime_events.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

console.log(`machine: ${cpus().length} cores, load average ${load()} (start); ${REPS} rounds, ${TASKS} queued tasks`);
const empty = initWorkspace('empty');
const canonical = initWorkspace('canonical');
fillQueue(canonical, TASKS, canonicalTask);
const labelled = initWorkspace('labelled');
fillQueue(labelled, TASKS, labelledTask);
const runOnceWs = initWorkspace('run-once');
useCommandRunner(runOnceWs);
fillQueue(runOnceWs, TASKS, canonicalTask);
measure(cli('compile', 'validate', '-w', runOnceWs, '--json'));
const seenResults = new Set();
// Files older than the parse cache's racy window (100 ms) can be cached; then warm every cache once.
await new Promise((done) => setTimeout(done, 300));
for (const ws of [empty, canonical, labelled]) {
  measure(cli('status', '-w', ws, '--json'));
  measure(cli('queue', 'ls', '-w', ws, '--json'));
}
measure(cli('run', 'once', '-w', runOnceWs, '--json'));
newStageResults(runOnceWs, seenResults);

/** Cases: name, the child's argv, an untimed step before each sample, and what to subtract from its time. */
const cases = [
  { name: '--version', args: cli('--version') },
  { name: 'status (empty)', args: cli('status', '-w', empty) },
  { name: 'queue ls (empty)', args: cli('queue', 'ls', '-w', empty) },
  { name: 'compile validate (empty)', args: cli('compile', 'validate', '-w', empty) },
  { name: `status (${TASKS}, warm)`, args: cli('status', '-w', canonical) },
  { name: `queue ls (${TASKS}, warm)`, args: cli('queue', 'ls', '-w', canonical) },
  { name: `first scan (${TASKS})`, args: cli('queue', 'ls', '-w', canonical), before: () => rmSync(parseCache(canonical), { force: true }) },
  { name: `status (${TASKS} labelled, warm)`, args: cli('status', '-w', labelled) },
  { name: `queue ls (${TASKS} labelled, warm)`, args: cli('queue', 'ls', '-w', labelled) },
  { name: `first scan (${TASKS} labelled)`, args: cli('queue', 'ls', '-w', labelled), before: () => rmSync(parseCache(labelled), { force: true }) },
  // doctor exits 1 here (findings): the default runner's tool (codex) is not installed, an error finding.
  { name: `doctor (${TASKS})`, args: cli('doctor', '-w', canonical), okExit: 1 },
  {
    name: `run once (${TASKS}, one stage)`,
    args: cli('run', 'once', '-w', runOnceWs, '--json'),
    runnerMs: () => newStageResults(runOnceWs, seenResults).reduce((sum, r) => sum + r.duration_seconds * 1000, 0),
  },
];
const baseline = { name: 'node -e 0', args: ['-e', '0'], samples: [], rss: [] };
for (const c of cases) Object.assign(c, { samples: [], rss: [], runner: [] });
const byName = (name) => cases.find((c) => c.name === name);

const firstScanPairRatios = [];
for (let round = 0; round < REPS; round += 1) {
  for (const c of cases) {
    const base = measure(baseline.args);
    baseline.samples.push(base.ms);
    baseline.rss.push(base.rssKb);
    c.before?.();
    const m = measure(c.args, { okExit: c.okExit });
    const runner = c.runnerMs?.() ?? 0;
    c.samples.push(m.ms - runner);
    c.runner.push(runner);
    c.rss.push(m.rssKb);
  }
  // The canonical-vs-labelled row compares two cases of similar time, where a few samples decide nothing: each round
  // adds FIRST_SCAN_EXTRA pairs of first scans, one of each format back to back (alternating which goes first), and
  // the row is the median of the pairs' ratios, so a change of the machine's load between pairs cancels out.
  for (let k = 0; k < FIRST_SCAN_EXTRA; k += 1) {
    const pair = [byName(`first scan (${TASKS})`), byName(`first scan (${TASKS} labelled)`)];
    const ms = new Map();
    for (const c of (round + k) % 2 === 0 ? pair : [...pair].reverse()) {
      c.before();
      const m = measure(c.args);
      c.samples.push(m.ms);
      c.runner.push(0);
      c.rss.push(m.rssKb);
      ms.set(c, m.ms);
    }
    firstScanPairRatios.push(ms.get(pair[0]) / ms.get(pair[1]));
  }
  process.stderr.write(`round ${round + 1}/${REPS} done, load average ${load()}\n`);
}

// ---- daemon: start-up (lock held -> first stage) and DAEMON_TASKS x 3 stages ----
const daemonWs = initWorkspace('daemon');
useCommandRunner(daemonWs);
fillQueue(daemonWs, DAEMON_TASKS, canonicalTask);
measure(cli('compile', 'validate', '-w', daemonWs, '--json'));
const startGaps = [];
for (let round = 0; round < REPS; round += 1) {
  const before = events(daemonWs).length;
  measure(cli('run', 'daemon', '-w', daemonWs, '--max-ticks', '1', '--json'));
  const fresh = events(daemonWs).slice(before);
  const locked = fresh.find((e) => e.event_type === 'runtime_daemon_lock_acquired');
  const stage = fresh.find((e) => e.event_type === 'stage_started');
  if (locked && stage) startGaps.push(Date.parse(stage.occurred_at) - Date.parse(locked.occurred_at));
}
// The long run starts from a fresh queue of DAEMON_TASKS tasks.
const longWs = initWorkspace('daemon-long');
useCommandRunner(longWs);
fillQueue(longWs, DAEMON_TASKS, canonicalTask);
measure(cli('compile', 'validate', '-w', longWs, '--json'));
const daemon = measure(cli('run', 'daemon', '-w', longWs, '--max-ticks', String(DAEMON_TASKS * 3), '--json'));
// A stage result names its request in metadata.request_id (the same id as its file name and the stage_started event).
const durations = new Map(newStageResults(longWs, new Set()).map((r) => [r.metadata.request_id, r.duration_seconds * 1000]));
const starts = events(longWs).filter((e) => e.event_type === 'stage_started');
const overheads = [];
const runnerMs = [];
for (let i = 0; i + 1 < starts.length; i += 1) {
  const gap = Date.parse(starts[i + 1].occurred_at) - Date.parse(starts[i].occurred_at);
  const runner = durations.get(starts[i].data.request_id);
  if (runner === undefined) throw new Error(`no stage result for ${starts[i].data.request_id}`);
  runnerMs.push(runner);
  overheads.push(gap - runner);
}
const done = readdirSync(join(longWs, 'millrace-agents', 'tasks', 'done')).filter((n) => n.endsWith('.md')).length;

// ---- report ----
const node0 = median(baseline.samples);
const mb = (kb) => kb / 1024;
const rows = [];
const ratioRow = (target, c, limit) => {
  const ratio = median(c.samples) / node0;
  rows.push([target, `${ratio.toFixed(2)}x (${median(c.samples).toFixed(0)} ms)`, `<= ${limit}x`, ratio <= limit]);
};
ratioRow('--version', byName('--version'), 2);
ratioRow('status, empty workspace', byName('status (empty)'), 3);
ratioRow('queue ls, empty workspace', byName('queue ls (empty)'), 3);
ratioRow('compile validate, empty workspace', byName('compile validate (empty)'), 3);
ratioRow(`status, ${TASKS} tasks, warm`, byName(`status (${TASKS}, warm)`), 4);
ratioRow(`queue ls, ${TASKS} tasks, warm`, byName(`queue ls (${TASKS}, warm)`), 4);
ratioRow(`first scan after ${TASKS} files appear`, byName(`first scan (${TASKS})`), 8);
ratioRow(`run once, one stage at ${TASKS} (runner excluded)`, byName(`run once (${TASKS}, one stage)`), 4);
{
  const fc = median(byName(`first scan (${TASKS})`).samples);
  const fl = median(byName(`first scan (${TASKS} labelled)`).samples);
  const paired = median(firstScanPairRatios);
  rows.push(['canonical first scan vs labelled', `${paired.toFixed(2)}x paired (medians ${fc.toFixed(0)} vs ${fl.toFixed(0)} ms, ${(fc / fl).toFixed(2)}x)`, '<= 1x', paired <= 1]);
}
const scaleCases = cases.filter((c) => c.name.includes(String(TASKS)));
const worstRss = Math.max(...scaleCases.map((c) => Math.max(...c.rss)));
rows.push([`peak RSS of every CLI command at ${TASKS}`, `${mb(worstRss).toFixed(1)} MB`, '<= 70 MB', mb(worstRss) <= 70]);
rows.push([`daemon peak RSS, ${DAEMON_TASKS} tasks x 3 stages`, `${mb(daemon.rssKb).toFixed(1)} MB`, '<= 80 MB', mb(daemon.rssKb) <= 80]);
const overhead = median(overheads);
rows.push([`daemon per-stage overhead (median of ${overheads.length})`, `${overhead.toFixed(1)} ms`, '<= 5 ms', overhead <= 5]);
const startGap = median(startGaps);
rows.push(['daemon start: lock held -> first stage', `${startGap.toFixed(0)} ms (runs: ${startGaps.join(', ')})`, '<= 50 ms', startGap <= 50]);

console.log(`\nnode -e 0: median ${node0.toFixed(0)} ms over ${baseline.samples.length} samples (min ${Math.min(...baseline.samples).toFixed(0)}), peak RSS ${mb(median(baseline.rss)).toFixed(1)} MB`);
console.log('\ncase                                   median ms  ratio   peak RSS MB  samples (ms)');
for (const c of cases) {
  const m = median(c.samples);
  const runner = c.runnerMs ? `  (runner ${median(c.runner).toFixed(0)} ms excluded)` : '';
  console.log(`${c.name.padEnd(38)} ${m.toFixed(0).padStart(9)}  ${(m / node0).toFixed(2).padStart(5)}x  ${mb(Math.max(...c.rss)).toFixed(1).padStart(11)}  ${c.samples.map((s) => s.toFixed(0)).join(', ')}${runner}`);
}
console.log(`daemon: ${DAEMON_TASKS} tasks, ${starts.length} stages, ${done} done, total ${(daemon.ms / 1000).toFixed(1)} s, p90 overhead ${[...overheads].sort((a, b) => a - b)[Math.floor(overheads.length * 0.9)]?.toFixed(1)} ms, runner median ${median(runnerMs).toFixed(0)} ms (excluded)`);
console.log('\ntarget                                              measured                         limit      met');
for (const [target, measured, limit, met] of rows) console.log(`${target.padEnd(51)} ${measured.padEnd(32)} ${limit.padEnd(10)} ${met ? 'met' : 'NOT MET'}`);
console.log(`\nload average ${load()} (end)`);

#!/usr/bin/env node
// Queue benchmark (issue 3): 10,000 queued tasks, wall time of `millrace queue ls` and `millrace status`.
// Run after `npm run build`: `node scripts/bench-queue.mjs [--count N] [--runs N]` (median of 5 runs by default).
// Target: under 1 s each. `queue_ls_cold` is the first run after all 10,000 files appeared at once: it reads and
// validates every one of them and writes the parse cache that every later run uses.
// scripts/bench.mjs may import { runQueueBench } and print its result.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin/run.js');
const dist = (p) => pathToFileURL(join(ROOT, 'dist', p)).href;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median wall time of `millrace <args>` over `runs` runs; `before` (untimed) runs ahead of each. */
async function timeCli(args, runs, before = async () => {}) {
  const samples = [];
  for (let i = 0; i < runs; i += 1) {
    await before();
    const started = performance.now();
    const run = await execa('node', [BIN, ...args], { reject: false });
    samples.push(performance.now() - started);
    if (run.exitCode !== 0) return { ok: false, error: (run.stderr || run.stdout).split('\n')[0], samples };
  }
  return { ok: true, median_ms: Math.round(median(samples)), min_ms: Math.round(Math.min(...samples)), samples: samples.map(Math.round) };
}

/** Generate `count` queued tasks (every 10th depends on its predecessor) and time the read commands. */
export async function runQueueBench({ count = 10_000, runs = 5 } = {}) {
  if (!existsSync(join(ROOT, 'dist/commands/queue/ls.js'))) throw new Error('run `npm run build` first');
  const { renderWorkDocument } = await import(dist('workspace/documents/index.js'));
  const { workspacePaths } = await import(dist('workspace/paths.js'));
  const workspace = await mkdtemp(join(tmpdir(), 'millrace-bench-queue-'));
  try {
    await execa('node', [BIN, 'init', '--workspace', workspace]);
    const paths = workspacePaths(workspace);
    await mkdir(paths.tasks.queue, { recursive: true });
    const id = (i) => `task-${String(i).padStart(6, '0')}`;
    for (let start = 0; start < count; start += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, count - start) }, (_, k) => {
          const i = start + k;
          const doc = {
            kind: 'task',
            format: 'front_matter',
            body: `# Task ${i}\n\nGenerated for the queue benchmark.`,
            fields: {
              task_id: id(i), title: `Task ${i}`, summary: 'benchmark task', created_at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(), created_by: 'bench',
              depends_on: i % 10 === 9 ? [id(i - 1)] : [], blocks: [], tags: ['bench'], target_paths: [`src/file-${i}.ts`],
              acceptance: ['it works'], required_checks: ['npm test'], references: ['README.md'], risk: ['none'],
            },
          };
          return writeFile(join(paths.tasks.queue, `${id(i)}.md`), renderWorkDocument(doc));
        }),
      );
    }
    // Files older than the parse cache's racy window (100 ms) are cacheable; a real queue is rarely younger.
    await new Promise((done) => setTimeout(done, 200));
    const cache = join(paths.state, 'queue_parse_cache.json');
    const withoutCache = () => rm(cache, { force: true });
    // The same read model in this process: CPU time is far less sensitive to machine load than wall time.
    const { buildQueueOverview } = await import(dist('views/queue.js'));
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    await rm(cache, { force: true });
    const overview = await buildQueueOverview(paths);
    const cpu = process.cpuUsage(cpu0);
    const inProcess = { ok: overview.counts.task.queue === count, median_ms: Math.round(performance.now() - wall0), cpu_ms: Math.round((cpu.user + cpu.system) / 1000) };
    const ls = ['queue', 'ls', '--json', '--workspace', workspace];
    const results = {
      tasks: count,
      machine: `${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (wall times scale with load)`,
      node_startup: await timeCli(['--version'], runs),
      queue_overview_in_process: inProcess,
      queue_ls_cold: await timeCli(ls, runs, withoutCache),
      queue_ls: await timeCli(ls, runs),
    };
    // `status` belongs to the control/inspection work (a topic command: dist/commands/status/index.js); time it when it exists.
    results.status = ['dist/commands/status.js', 'dist/commands/status/index.js'].some((p) => existsSync(join(ROOT, p)))
      ? await timeCli(['status', '--json', '--workspace', workspace], runs)
      : { ok: false, error: 'status command not available yet (slot kept for it)' };
    return results;
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const results = await runQueueBench({ count: arg('--count', 10_000), runs: arg('--runs', 5) });
  for (const [name, r] of Object.entries(results)) {
    if (name === 'tasks') console.log(`queued tasks: ${r}`);
    else if (name === 'machine') console.log(`machine: ${r}`);
    else if (name === 'queue_overview_in_process') console.log(`queue ls read model in-process, no parse cache (no node/oclif startup): wall ${r.median_ms} ms, cpu ${r.cpu_ms} ms`);
    else if (name === 'queue_ls_cold') console.log(r.ok ? `queue_ls_cold (no parse cache: parses all, writes the cache): median ${r.median_ms} ms, min ${r.min_ms} ms (runs: ${r.samples.join(', ')})` : `${name}: ${r.error}`);
    else console.log(r.ok ? `${name}: median ${r.median_ms} ms, min ${r.min_ms} ms (runs: ${r.samples.join(', ')})` : `${name}: ${r.error}`);
  }
}

#!/usr/bin/env node
// Dashboard benchmark (issue 19): `millrace web` over a workspace with 10,000 queued tasks.
// - overview: wall time of GET /api/w/0/summary (what the Overview page loads), median of 10 after one warm-up;
//   target under 300 ms. Also the first request after a queue change (the cache is dropped and recomputed).
// - idle SSE: CPU time the server process uses in 10 s windows with an open /api/live stream and no file changes,
//   against windows with no stream (three of each, interleaved; medians); target: no noticeable difference.
// Run after `npm run build`: `node scripts/bench-web.mjs [--count N]`. scripts/bench.mjs runs it too.
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin/run.js');
const countArg = process.argv.indexOf('--count');
const COUNT = countArg > 0 ? Number(process.argv[countArg + 1]) : 10_000;
const IDLE_WINDOW_MS = 10_000;
const IDLE_WINDOWS = 3;
const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND; // utime + stime
}

function fetchTimed(url) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    get(url, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - started, bytes: body.length, body }));
    }).on('error', reject);
  });
}

if (!existsSync(join(ROOT, 'plugins/web/dist/commands/web.js'))) throw new Error('run `npm run build` first');
const workspace = await mkdtemp(join(tmpdir(), 'millrace-bench-web-'));
let server;
try {
  await execa('node', [BIN, 'init', '--workspace', workspace]);
  const queue = join(workspace, 'millrace-agents', 'tasks', 'queue');
  await mkdir(queue, { recursive: true });
  for (let start = 0; start < COUNT; start += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, COUNT - start) }, (_, k) => {
        const id = `task-${String(start + k).padStart(6, '0')}`;
        return writeFile(join(queue, `${id}.md`), `---\ntask_id: ${id}\ntitle: Bench ${id}\ncreated_at: 2026-01-01T00:00:00Z\ncreated_by: bench\ntarget_paths: [x]\nacceptance: [x]\nrequired_checks: [x]\nreferences: [x]\nrisk: [x]\n---\nx\n`);
      }),
    );
  }
  server = execa('node', [BIN, 'web', '-w', workspace, '--port', '0'], { reject: false, env: { OCLIF_SKIP_NEW_VERSION_CHECK: 'true' } });
  let out = '';
  server.stdout.on('data', (c) => (out += c));
  const deadline = Date.now() + 60_000;
  while (!/live updates: .*\n/.test(out)) {
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`millrace web did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const base = /Millrace dashboard: (\S+)/.exec(out)[1];

  const cold = await fetchTimed(`${base}api/w/0/summary`);
  const samples = [];
  for (let i = 0; i < 10; i += 1) samples.push((await fetchTimed(`${base}api/w/0/summary`)).ms);
  const overview = Math.round(median(samples));
  console.log(`web overview (${COUNT.toLocaleString('en-US')} queued tasks): first ${Math.round(cold.ms)} ms (warming up since start), then (cached while nothing changes) median ${overview} ms, min ${Math.round(Math.min(...samples))} ms over 10 (target < 300 ms); ${Math.round(cold.bytes / 1024)} KiB`);

  // One more task: the watcher drops the cached views, and the next overview recomputes them.
  const afterChange = [];
  const noticeMs = [];
  let notices = 0;
  const changes = await new Promise((resolve) => {
    const req = get(`${base}api/live`, (res) => {
      res.on('data', (c) => (notices += String(c).split('event: change').length - 1));
      resolve(req);
    });
  });
  for (let i = 0; i < 3; i += 1) {
    const seen = notices;
    const id = `task-extra-${i}`;
    await writeFile(join(queue, `${id}.md`), `---\ntask_id: ${id}\ntitle: Extra ${i}\ncreated_at: 2026-01-01T00:00:00Z\ncreated_by: bench\ntarget_paths: [x]\nacceptance: [x]\nrequired_checks: [x]\nreferences: [x]\nrisk: [x]\n---\nx\n`);
    const waitStart = Date.now();
    while (notices === seen) {
      if (Date.now() - waitStart > 60_000) throw new Error('no change notice within 60 s of adding a task');
      await new Promise((r) => setTimeout(r, 20)); // the watcher's notice (as a page gets it)
    }
    noticeMs.push(Date.now() - waitStart);
    const answer = await fetchTimed(`${base}api/w/0/summary`);
    const queued = JSON.parse(answer.body).queues.folders.find((f) => f.kind === 'task' && f.state === 'queue').count;
    if (queued !== COUNT + i + 1) throw new Error(`the overview after a change counts ${queued} queued tasks, expected ${COUNT + i + 1}`);
    afterChange.push(answer.ms);
  }
  changes.destroy();
  console.log(`web overview right after a queue change (recomputed): median ${Math.round(median(afterChange))} ms over ${afterChange.length} (change notice ${Math.round(median(noticeMs))} ms after the write)`);

  // Idle CPU in 10 s windows, without and with an open stream, interleaved three times. V8 runs a few full garbage
  // collections some seconds after activity stops (its memory reducer), once: the median of each condition's
  // windows leaves that one-off out, where a single window per condition would charge it to whichever came first.
  const idle = async (withStream) => {
    let stream;
    if (withStream) await new Promise((resolve) => (stream = get(`${base}api/live`, (res) => res.once('data', resolve))));
    await new Promise((r) => setTimeout(r, 1000));
    const before = cpuMs(server.pid);
    await new Promise((r) => setTimeout(r, IDLE_WINDOW_MS));
    const used = cpuMs(server.pid) - before;
    stream?.destroy();
    return used;
  };
  const without = [];
  const withSse = [];
  for (let i = 0; i < IDLE_WINDOWS; i += 1) {
    without.push(await idle(false));
    withSse.push(await idle(true));
  }
  console.log(`web idle CPU per ${IDLE_WINDOW_MS / 1000} s (median of ${IDLE_WINDOWS} interleaved windows each): ${median(without)} ms without a stream, ${median(withSse)} ms with an open SSE stream (windows: ${without.join(', ')} / ${withSse.join(', ')} ms; clock tick 10 ms; target: no noticeable difference)`);
} finally {
  server?.kill('SIGTERM');
  await server?.catch(() => undefined);
  await rm(workspace, { recursive: true, force: true });
}

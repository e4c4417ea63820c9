import { jest } from '@jest/globals';
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDemoWorkspace, openGate, Processes, startWeb, waitFor, writeTask, type DemoWorkspace } from './support.js';

/** A raw HTTP request (the path is sent exactly as given, so `..` is not normalized away by a client). */
function raw(url: string, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

jest.setTimeout(180_000);

describe('millrace web: JSON API, headers and control routes', () => {
  const processes = new Processes();
  let ws: DemoWorkspace;
  let runId: string;

  beforeAll(async () => {
    ws = await createDemoWorkspace();
    writeTask(ws, 'api-001-first', 'First task');
    openGate(ws, 'all');
    const once = await processes.millrace(['run', 'once', '-w', ws.root]);
    expect(once.exitCode).toBe(0);
    const runs = JSON.parse((await processes.millrace(['runs', 'ls', '-w', ws.root, '--json'])).stdout as string) as { result: { runs: Array<{ run_id: string }> } };
    runId = runs.result.runs[0]!.run_id;
  });
  afterAll(() => processes.stopAll());

  it('serves the same status and run data as the CLI, read-only, with strict headers and no CORS', async () => {
    const web = await startWeb(processes, ['-w', ws.root]);
    const summary = await raw(web.url, '/api/w/0/summary');
    expect(summary.status).toBe(200);
    expect(summary.headers['content-security-policy']).toContain("script-src 'self'");
    expect(summary.headers['x-content-type-options']).toBe('nosniff');
    expect(summary.headers['access-control-allow-origin']).toBeUndefined();
    const body = JSON.parse(summary.body) as { status: { active_runs: unknown[]; workspace: string }; queues: { folders: Array<{ kind: string; state: string; count: number; items: Array<{ id: string }> }> } };
    const cli = JSON.parse((await processes.millrace(['status', '-w', ws.root, '--json'])).stdout as string) as { result: { workspace: string; compiled_plan_id: string } };
    expect(body.status.workspace).toBe(cli.result.workspace);
    expect(body.queues.folders.find((f) => f.kind === 'task' && f.state === 'active')).toMatchObject({ count: 1, items: [{ id: 'api-001-first' }] });

    const run = JSON.parse((await raw(web.url, `/api/w/0/runs/${runId}`)).body) as { run: { run_id: string; stage_results: Array<{ stage: string }> }; artifacts: string[] };
    expect(run.run.stage_results.map((s) => s.stage)).toEqual(['builder']);
    const stdout = run.artifacts.find((a) => a.startsWith('runner_stdout.'))!;
    const artifact = await raw(web.url, `/api/w/0/runs/${runId}/artifacts/${stdout}`);
    expect(artifact.status).toBe(200);
    expect(artifact.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(artifact.headers['x-content-type-options']).toBe('nosniff');
    expect(artifact.body).toContain('<script>window.__xss = 1</script> builder started on api-001-first');
    expect(artifact.body).toBe(readFileSync(join(ws.runtime, 'runs', runId, stdout), 'utf8'));
    // An item's history is the CLI's `queue show --history` read model.
    const item = JSON.parse((await raw(web.url, '/api/w/0/items/api-001-first')).body) as { history: unknown[] };
    const cliHistory = JSON.parse((await processes.millrace(['queue', 'show', 'api-001-first', '--history', '-w', ws.root, '--json'])).stdout as string) as { result: { history: { entries: Array<{ stage: string; outcome: string }> } } };
    expect(item.history).toEqual(cliHistory.result.history.entries);
    expect(cliHistory.result.history.entries.map((e) => [e.stage, e.outcome])).toEqual([['builder', 'BUILDER_COMPLETE']]);
    // Run references resolve like the CLI's: the 8-char short id and `latest` name the same run.
    for (const ref of [runId.slice(4, 12), 'latest']) {
      const byRef = JSON.parse((await raw(web.url, `/api/w/0/runs/${ref}`)).body) as { run: { run_id: string } };
      expect(byRef.run.run_id).toBe(runId);
      expect((await raw(web.url, `/api/w/0/runs/${ref}/artifacts/${stdout}`)).body).toBe(artifact.body);
    }
    // The run list is `runs ls --json`'s read model (summaries with token totals), limited like `--limit`.
    const list = JSON.parse((await raw(web.url, '/api/w/0/runs?limit=1')).body) as { runs: Array<{ run_id: string; stages: string[] }>; matched: number };
    const cliRuns = JSON.parse((await processes.millrace(['runs', 'ls', '--limit', '1', '-w', ws.root, '--json'])).stdout as string) as { result: { runs: unknown[]; matched: number } };
    expect(list).toEqual({ runs: cliRuns.result.runs, matched: cliRuns.result.matched });
    expect(list.runs.map((r) => [r.run_id, r.stages])).toEqual([[runId, ['builder']]]);
  });

  it('refuses traversal, unknown ids, foreign Host headers and (without --allow-control) every write', async () => {
    const web = await startWeb(processes, ['-w', ws.root]);
    for (const path of [
      `/api/w/0/runs/${runId}/artifacts/../../../state/runtime_snapshot.json`,
      `/api/w/0/runs/${runId}/artifacts/..%2F..%2F..%2Fstate%2Fruntime_snapshot.json`,
      `/api/w/0/runs/${runId}/artifacts/%2e%2e/%2e%2e/millrace.toml`,
      '/api/w/0/runs/..%2F..%2Fstate/artifacts/runtime_snapshot.json',
      '/api/w/0/runs/../state',
      `/api/w/0/runs/${runId}/artifacts/.hidden`,
      `/api/w/0/runs/${runId}/artifacts/not-listed.txt`,
      '/api/w/0/items/..%2F..%2Fstate%2Fruntime_snapshot',
      '/api/w/0/items/nope-404',
      '/api/w/1/summary',
      '/api/w/00/summary',
      '/static/../package.json',
      '/static/..%2F..%2Fpackage.json',
    ]) {
      const r = await raw(web.url, path);
      expect([path, r.status]).toEqual([path, 404]);
      expect(r.body).not.toContain('"schema_version"');
    }
    expect((await raw(web.url, '/api/w/0/summary', { headers: { Host: 'evil.example:80' } })).status).toBe(421);
    for (const action of ['pause', 'resume', 'stop', 'retry-active']) {
      expect((await raw(web.url, `/api/w/0/control/${action}`, { method: 'POST', headers: { Origin: web.url.replace(/\/$/, '') } })).status).toBe(404);
    }
    expect(JSON.parse((await raw(web.url, '/api/workspaces')).body)).toMatchObject({ control: false });
  });

  it('with --allow-control: pause and resume go through the CLI control path, only with the token and from the same origin', async () => {
    const web = await startWeb(processes, ['-w', ws.root, '--allow-control']);
    expect(web.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const origin = web.url.replace(/\/$/, '');
    const post = (action: string, headers: Record<string, string>) => raw(web.url, `/api/w/0/control/${action}`, { method: 'POST', headers });
    expect((await post('pause', { Origin: origin })).status).toBe(403);
    expect((await post('pause', { Origin: origin, 'X-Millrace-Token': 'wrong' })).status).toBe(403);
    expect((await post('pause', { Origin: 'http://evil.example', 'X-Millrace-Token': web.token! })).status).toBe(403);
    expect((await post('pause', { 'X-Millrace-Token': web.token! })).status).toBe(403);
    const snapshotPaused = () => (JSON.parse(readFileSync(join(ws.runtime, 'state', 'runtime_snapshot.json'), 'utf8')) as { paused: boolean }).paused;
    expect(snapshotPaused()).toBe(false);
    const paused = await post('pause', { Origin: origin, 'X-Millrace-Token': web.token! });
    expect(paused.status).toBe(200);
    expect(JSON.parse(paused.body)).toMatchObject({ action: 'pause', mode: 'direct', applied: true });
    expect(snapshotPaused()).toBe(true);
    await waitFor('status to say paused', async () => (JSON.parse((await raw(web.url, '/api/w/0/summary')).body) as { status: { paused: boolean } }).status.paused);
    const resumed = await post('resume', { Origin: origin, 'X-Millrace-Token': web.token! });
    expect(JSON.parse(resumed.body)).toMatchObject({ action: 'resume', applied: true });
    expect(snapshotPaused()).toBe(false);
  });

  it('an uninitialized workspace is one error line and a non-zero exit', async () => {
    const r = await processes.millrace(['web', '--port', '0', '-w', '/tmp']);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('workspace is not initialized: /tmp');
  });

  it('a non-loopback --host is served with a warning', async () => {
    const web = await startWeb(processes, ['-w', ws.root, '--host', '0.0.0.0']);
    expect(web.output()).toContain('Warning: binding 0.0.0.0: the dashboard is reachable from the network');
    const port = new URL(web.url).port;
    expect((await raw(`http://127.0.0.1:${port}/`, '/api/workspaces')).status).toBe(200);
  });
});

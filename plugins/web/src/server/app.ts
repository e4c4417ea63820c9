import type { HostControlAction, HostRuntimeEvent, HostViews } from '@millrace/plugin-api';
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { LiveChanges } from './live.js';
import { cachedViews, type ViewCache } from './view-cache.js';
import { securityHeaders, isAllowedHost, isSameOrigin, tokenMatches } from './security.js';
import type { StaticAssets } from './static-assets.js';
import { isArtifactName, isItemId, isRunId, isWorkspaceIndex } from './validate.js';

export type DashboardWorkspace = { index: number; root: string; name: string };

export type AppOptions = {
  views: HostViews;
  workspaces: DashboardWorkspace[];
  live: LiveChanges;
  cache: ViewCache;
  assets: StaticAssets;
  /** Set with --allow-control: the per-start token the write routes require. Without it no write route exists. */
  controlToken: string | null;
  /** Host names (with port) the server answers to; others are refused (DNS rebinding). Null accepts any (non-loopback bind). */
  allowedHosts: Set<string> | null;
  /** Keep-alive comment interval of the SSE stream. */
  sseKeepAliveMs: number;
};

export const QUEUE_LIMIT = 50;
const EVENT_LIMIT = 200;
const RUN_LIMIT = 100;
const ARTIFACT_MAX_BYTES = 256 * 1024;
const CONTROL_ACTIONS: Record<string, HostControlAction> = { pause: 'pause', resume: 'resume', stop: 'stop', 'retry-active': 'retry_active' };

type HostError = Error & { code?: string };
const notFound = (c: Context) => c.json({ error: { code: 'NOT_FOUND', message: 'not found' } }, 404);

/** For each (plane, node, outcome) the router recently took, how often: the Flow page's edge labels. */
function recentOutcomes(events: HostRuntimeEvent[]) {
  const counts = new Map<string, { plane: string; node_id: string; outcome: string; count: number; last_at: string }>();
  for (const e of events) {
    if (e.event_type !== 'router_decision') continue;
    const { plane, node_id: node, terminal_result: outcome } = e.data as { plane?: unknown; node_id?: unknown; terminal_result?: unknown };
    if (typeof plane !== 'string' || typeof node !== 'string' || typeof outcome !== 'string') continue;
    const key = `${plane}\u0000${node}\u0000${outcome}`;
    const entry = counts.get(key) ?? { plane, node_id: node, outcome, count: 0, last_at: e.occurred_at };
    entry.count += 1;
    entry.last_at = e.occurred_at;
    counts.set(key, entry);
  }
  return [...counts.values()];
}

/** The artifact of a run that is being written now: a stdout file whose request has no completion record yet. */
function liveStdout(files: string[]): string | null {
  return openRequestFile(files, 'runner_stdout.', '.txt');
}

const lastLine = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? null;

/** What a running stage is doing: the runner's latest reported activity, else the last line of its stdout. */
export type LiveActivity = { source: 'runner' | 'stdout'; text: string; kind: string | null; at: string | null; total_tokens: number | null };
/** One entry of the status view's `active_run_activity`. */
type RunActivity = { run_id: string; last_activity: string | null; last_activity_at: string | null; token_usage: { total_tokens?: number } | null };

/** The open request's file with `prefix` (a request whose completion record is not written yet). */
function openRequestFile(files: string[], prefix: string, ext: string): string | null {
  const completed = new Set(files.filter((f) => f.startsWith('runner_completion.')).map((f) => f.slice('runner_completion.'.length).replace(/\.json$/, '')));
  const open = files.filter((f) => f.startsWith(prefix) && f.endsWith(ext) && !completed.has(f.slice(prefix.length, -ext.length)));
  return open[open.length - 1] ?? null;
}


export function createApp(options: AppOptions): Hono {
  const { views: host, workspaces, cache } = options;
  const views = { ...host, ...cachedViews(host, cache) };
  const app = new Hono();

  app.use('*', async (c, next) => {
    if (options.allowedHosts && !isAllowedHost(c.req.header('host'), options.allowedHosts)) return c.text('unknown host', 421);
    await next();
    securityHeaders(c);
  });

  app.onError((error: HostError, c) => {
    const code = error.code ?? 'INTERNAL';
    const status = code === 'NOT_FOUND' ? 404 : code === 'WORKSPACE_NOT_INITIALIZED' ? 409 : 500;
    return c.json({ error: { code, message: error.message } }, status);
  });
  app.notFound(notFound);

  const workspaceOf = (c: Context) => {
    const ws = c.req.param('ws') ?? '';
    return isWorkspaceIndex(ws, workspaces.length) ? workspaces[Number(ws)]! : null;
  };

  app.get('/api/workspaces', (c) => c.json({ workspaces, control: options.controlToken !== null }));

  /**
   * The live activity of a run: what its runner last reported, from the status view's `active_run_activity` (the
   * runtime records it in the run dir, src/workspace/state/live-activity.ts), else the last line of its stdout.
   */
  const liveActivity = async (ws: DashboardWorkspace, runId: string, status: Awaited<ReturnType<typeof views.status>>): Promise<{ stdout: string | null; activity: LiveActivity | null }> => {
    const files = (await views.runArtifacts(ws.root, runId)) ?? [];
    const stdout = liveStdout(files);
    const recorded = ((status as { active_run_activity?: RunActivity[] }).active_run_activity ?? []).find((a) => a.run_id === runId);
    if (recorded?.last_activity) {
      return { stdout, activity: { source: 'runner', text: recorded.last_activity, kind: null, at: recorded.last_activity_at, total_tokens: recorded.token_usage?.total_tokens ?? null } };
    }
    const tail = stdout ? await views.readRunArtifact(ws.root, runId, stdout, 4096) : null;
    const line = tail ? lastLine(tail.text) : null;
    return { stdout, activity: line ? { source: 'stdout', text: line, kind: null, at: null, total_tokens: null } : null };
  };

  app.get('/api/w/:ws/summary', async (c) => {
    const ws = workspaceOf(c);
    if (!ws) return notFound(c);
    const [status, queues] = await Promise.all([views.status(ws), views.queueBoard(ws, QUEUE_LIMIT)]);
    // Execution lanes (docs/parallel.md) are active runs too, each with its lane number.
    const lanes = ((status as { execution_lanes?: Array<Record<string, unknown> & { run_id: string }> }).execution_lanes ?? []).map((l) => ({ plane: 'execution', ...l }));
    const active = await Promise.all(
      [...status.active_runs, ...lanes].map(async (run) => {
        const live = await liveActivity(ws, run.run_id, status);
        return { ...run, live_stdout: live.stdout, activity: live.activity?.text ?? null, activity_detail: live.activity };
      }),
    );
    return c.json({ workspace: ws, status: { ...status, active_runs: active }, queues });
  });

  app.get('/api/w/:ws/queues', async (c) => {
    const ws = workspaceOf(c);
    if (!ws) return notFound(c);
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? QUEUE_LIMIT) || QUEUE_LIMIT, 1), 1000);
    return c.json(await views.queueBoard(ws, limit));
  });

  app.get('/api/w/:ws/items/:id', async (c) => {
    const ws = workspaceOf(c);
    const id = c.req.param('id');
    if (!ws || !isItemId(id)) return notFound(c);
    const item = await views.queueItem(ws.root, id);
    if (!item) return notFound(c);
    // The CLI's read model (`queue show --history`): run artifacts, usage ledger and events log.
    const history = await views.itemHistory(ws.root, item.work_item_id);
    return c.json({ item, history: history.entries });
  });

  app.get('/api/w/:ws/runs', async (c) => {
    const ws = workspaceOf(c);
    if (!ws) return notFound(c);
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? RUN_LIMIT) || RUN_LIMIT, 1), 1000);
    return c.json(await views.runs(ws, limit));
  });

  app.get('/api/w/:ws/runs/:run', async (c) => {
    const ws = workspaceOf(c);
    const runId = c.req.param('run');
    if (!ws || !isRunId(runId)) return notFound(c);
    const [run, artifacts, status] = await Promise.all([views.run(ws.root, runId), views.runArtifacts(ws.root, runId), views.status(ws)]);
    if (!run || !artifacts) return notFound(c);
    const live = await liveActivity(ws, runId, status);
    return c.json({ run, artifacts, live_stdout: live.stdout, activity: live.stdout ? live.activity : null });
  });

  app.get('/api/w/:ws/runs/:run/artifacts/*', async (c) => {
    const ws = workspaceOf(c);
    const runId = c.req.param('run');
    const prefix = `/api/w/${c.req.param('ws')}/runs/${runId}/artifacts/`;
    const name = c.req.path.startsWith(prefix) ? c.req.path.slice(prefix.length) : '';
    if (!ws || !isRunId(runId) || !isArtifactName(name)) return notFound(c);
    const artifact = await views.readRunArtifact(ws.root, runId, name, ARTIFACT_MAX_BYTES);
    if (!artifact) return notFound(c);
    c.header('X-Artifact-Size', String(artifact.size));
    c.header('X-Artifact-Truncated', String(artifact.truncated));
    c.header('Content-Disposition', 'inline');
    return c.body(artifact.text, 200, { 'Content-Type': 'text/plain; charset=utf-8' });
  });

  app.get('/api/w/:ws/events', async (c) => {
    const ws = workspaceOf(c);
    if (!ws) return notFound(c);
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? EVENT_LIMIT) || EVENT_LIMIT, 1), 5000);
    return c.json({ events: await views.events(ws.root, limit) });
  });

  app.get('/api/w/:ws/usage', async (c) => {
    const ws = workspaceOf(c);
    if (!ws) return notFound(c);
    return c.json(await views.usage(ws));
  });

  app.get('/api/w/:ws/plan', async (c) => {
    const ws = workspaceOf(c);
    if (!ws) return notFound(c);
    const [plan, status, events] = await Promise.all([views.plan(ws.root), views.status(ws), views.events(ws.root, 2000)]);
    return c.json({
      plan,
      currentness: status.compiled_plan_currentness,
      active: status.active_runs.map((r) => ({ plane: r.plane, node_id: r.node_id, stage: r.stage, work_item_id: r.work_item_id })),
      recent_outcomes: recentOutcomes(events),
    });
  });

  app.get('/api/w/:ws/doctor', async (c) => {
    const ws = workspaceOf(c);
    if (!ws) return notFound(c);
    return c.json(await views.doctor(ws.root));
  });

  app.get('/api/live', (c) =>
    streamSSE(c, async (stream) => {
      const unsubscribe = options.live.subscribe((notice) => void stream.writeSSE({ event: 'change', data: JSON.stringify(notice) }));
      await stream.writeSSE({ event: 'hello', data: JSON.stringify({ mode: options.live.mode }) });
      await new Promise<void>((resolve) => {
        const keepAlive = setInterval(() => void stream.write(': keep-alive\n\n'), options.sseKeepAliveMs);
        stream.onAbort(() => {
          clearInterval(keepAlive);
          unsubscribe();
          resolve();
        });
      });
    }),
  );

  if (options.controlToken !== null) {
    const token = options.controlToken;
    app.post('/api/w/:ws/control/:action', async (c) => {
      const ws = workspaceOf(c);
      const action = CONTROL_ACTIONS[c.req.param('action')];
      if (!ws || !action) return notFound(c);
      if (!isSameOrigin(c.req.header('origin'), c.req.header('host'))) return c.json({ error: { code: 'FORBIDDEN', message: 'cross-origin request refused' } }, 403);
      if (!tokenMatches(c.req.header('x-millrace-token'), token)) return c.json({ error: { code: 'FORBIDDEN', message: 'missing or wrong control token' } }, 403);
      return c.json(await views.control(ws.root, action));
    });
  }

  for (const [path, asset] of options.assets.files) {
    app.get(path, (c) => c.body(asset.body, 200, { 'Content-Type': asset.contentType, 'Cache-Control': 'no-cache' }));
  }
  // Client-side routes of the single page (overview, flow, item, run, usage) all load the same shell.
  app.get('/', (c) => c.body(options.assets.shell, 200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' }));

  return app;
}

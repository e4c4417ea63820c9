import { serve, type ServerType } from '@hono/node-server';
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { loadHostViews } from '../host-seam.js';
import { QUEUE_LIMIT, createApp, type DashboardWorkspace } from './app.js';
import { LiveChanges } from './live.js';
import { ViewCache, cachedViews } from './view-cache.js';
import { isLoopback, loopbackHostNames } from './security.js';
import { loadStaticAssets } from './static-assets.js';

export type DashboardOptions = {
  hostRoot: string;
  oclifConfig: object;
  workspaces: string[];
  port: number;
  host: string;
  open: boolean;
  allowControl: boolean;
  log: (line: string) => void;
  warn: (line: string) => void;
};

export type Dashboard = { url: string; close(): Promise<void> };

const env = (name: string, fallback: number) => (process.env[name] && Number.isFinite(Number(process.env[name])) ? Number(process.env[name]) : fallback);

/** Start the server, print where it listens, and stop cleanly on SIGINT/SIGTERM. Never takes the daemon lock. */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const views = await loadHostViews(options.hostRoot, options.oclifConfig);
  const unique = [...new Set(options.workspaces)];
  const watchTargets = unique.map((root, index) => ({ workspace: index, watch: views.watchTargets(root) })); // throws for an uninitialized workspace
  const workspaces: DashboardWorkspace[] = watchTargets.map(({ workspace, watch }) => ({ index: workspace, root: watch.workspaceRoot, name: basename(watch.workspaceRoot) }));
  const loopback = isLoopback(options.host);
  if (!loopback) options.warn(`binding ${options.host}: the dashboard is reachable from the network; anyone who can reach it can read every workspace it serves`);
  const live = new LiveChanges(watchTargets, { debounceMs: env('MILLRACE_WEB_DEBOUNCE_MS', 150), poll: process.env.MILLRACE_WEB_POLL === '1', pollIntervalMs: env('MILLRACE_WEB_POLL_MS', 1000) });
  const cache = new ViewCache(env('MILLRACE_WEB_CACHE_MS', 5000));
  live.subscribe((notice) => cache.invalidate(notice)); // first listener: invalidated before any page hears of the change
  await live.start();
  const controlToken = options.allowControl ? randomBytes(24).toString('base64url') : null;

  const server = await new Promise<{ server: ServerType; port: number }>((resolve, reject) => {
    let allowedHosts: Set<string> | null = null;
    const app = createApp({ views, workspaces, live, cache, assets: loadStaticAssets(), controlToken, get allowedHosts() { return allowedHosts; }, sseKeepAliveMs: 25_000 });
    const s = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, (info) => {
      allowedHosts = loopback ? loopbackHostNames(options.host, info.port) : null;
      resolve({ server: s, port: info.port });
    });
    s.once('error', (error: NodeJS.ErrnoException) => reject(Object.assign(new Error(`cannot listen on ${options.host}:${options.port}: ${error.message}`), { code: 'USAGE', exitCode: 2 })));
  }).catch(async (error) => {
    await live.close();
    throw error;
  });

  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${shownHost}:${server.port}/`;
  options.log(`Millrace dashboard: ${url}`);
  for (const ws of workspaces) options.log(`  workspace ${ws.index}: ${ws.root}`);
  options.log(`  live updates: ${live.mode === 'watch' ? 'file watching' : 'polling'}; read-only${controlToken ? ' except control' : ''}; never takes the runtime lock`);
  if (controlToken) options.log(`  control token (paste into the dashboard to pause/resume/stop/retry): ${controlToken}`);
  // Warm the overview's views now (module loading, the first queue scan) rather than on the first page load.
  const warm = cachedViews(views, cache);
  for (const ws of workspaces) void Promise.all([warm.status(ws), warm.queueBoard(ws, QUEUE_LIMIT)]).catch(() => undefined);
  if (options.open) (await import('../process.js')).openInBrowser(url, options.warn);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await live.close();
      if ('closeAllConnections' in server.server) server.server.closeAllConnections(); // SSE streams never end by themselves
      await new Promise<void>((resolve) => server.server.close(() => resolve()));
    })());
  const onSignal = () => void close().then(() => process.exit(0));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { url, close };
}

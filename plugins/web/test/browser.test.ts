import { jest } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDemoWorkspace, openGate, Processes, REPO_ROOT, startWeb, waitFor, writeTask, type DemoWorkspace } from './support.js';

/** Debian's chromium by default; MILLRACE_CHROMIUM points elsewhere. `.ci/run` installs it when missing. */
const CHROMIUM = process.env.MILLRACE_CHROMIUM ?? '/usr/bin/chromium';
/** Screenshots of every page (gitignored test artifacts). */
const SHOTS = join(REPO_ROOT, 'plugins', 'web', 'test-artifacts');

const seconds = (text: string) => {
  const m = /^(?:(\d+)h )?(?:(\d+)m )?(\d+)s$/.exec(text.trim());
  return m ? Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3]) : NaN;
};

jest.setTimeout(300_000);

describe('millrace web in a real browser, against a running daemon', () => {
  const processes = new Processes();
  let browser: Browser | undefined;
  let ws: DemoWorkspace;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set MILLRACE_CHROMIUM`);
    mkdirSync(SHOTS, { recursive: true });
    ws = await createDemoWorkspace(['builder']);
    // A daily budget the run stays under, shown on the overview (the gated agent reports usage for every stage).
    const toml = join(ws.runtime, 'millrace.toml');
    writeFileSync(
      toml,
      readFileSync(toml, 'utf8') + ['', '[usage_governance]', 'enabled = true', '[usage_governance.runtime_token_rules]', 'enabled = false', '[[usage_governance.limits]]', 'id = "web-day"', 'window = "calendar_day"', 'max_tokens = 1000000', ''].join('\n'),
    );
    writeTask(ws, 'web-001-banner', 'Add a greeting banner');
    writeTask(ws, 'web-002-footer', 'Fix the footer');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await processes.stopAll();
  });

  const newPage = async (): Promise<Page> => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(90_000);
    return page;
  };

  it('shows the running stage with a growing elapsed time, live activity, the flow highlight, runs as text, and queue moves without reload', async () => {
    const daemon = processes.millrace(['run', 'daemon', '-w', ws.root]);
    const web = await startWeb(processes, ['-w', ws.root]);
    const page = await newPage();
    const xssErrors: string[] = [];
    page.on('pageerror', (e) => xssErrors.push(e.message));
    await page.goto(web.url);
    await page.locator('#live.on').waitFor();
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

    // The builder runs (gated): the overview shows it, with its item, an elapsed time that grows and live output.
    const active = page.locator('.active-run[data-stage="builder"]');
    await active.waitFor();
    await expect(active.textContent()).resolves.toContain('web-001-banner');
    await expect(page.locator('[data-runtime-state]').textContent()).resolves.toBe('running');
    const first = seconds((await active.locator('.run-elapsed').textContent()) ?? '');
    expect(first).toBeGreaterThanOrEqual(0);
    await waitFor('elapsed time to grow', async () => seconds((await active.locator('.run-elapsed').textContent()) ?? '') > first);
    await waitFor('live activity', async () => /builder working on web-001-banner: step \d+/.test((await active.locator('.activity').textContent().catch(() => '')) ?? ''));
    // The activity comes from what the runner reported (recorded by the runtime in the run dir), not a stdout tail.
    await active.locator('.activity[data-source="runner"]').waitFor();
    await expect(page.locator('[data-folder="task/queue"] [data-item="web-002-footer"]').count()).resolves.toBe(1);
    await expect(page.locator('[data-folder="task/active"] [data-item="web-001-banner"]').count()).resolves.toBe(1);
    await page.screenshot({ path: join(SHOTS, 'overview.png'), fullPage: true });

    // Flow: the builder node is the highlighted one.
    const flow = await newPage();
    await flow.goto(`${web.url}#/w/0/flow`);
    await flow.locator('[data-node="builder"].current').waitFor();
    expect(await flow.locator('.node.current').count()).toBe(1);
    // Every edge label is readable: no two labels' boxes overlap, and none covers a node.
    const collisions = await flow.evaluate(() => {
      const hit = (a: DOMRect, b: DOMRect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
      const found: string[] = [];
      for (const svg of document.querySelectorAll('svg.flow-graph')) {
        const labels = [...svg.querySelectorAll<SVGGraphicsElement>('text.edge-label')].map((e) => ({ name: e.textContent ?? '', box: e.getBBox() }));
        const nodes = [...svg.querySelectorAll<SVGGraphicsElement>('g.node, g.terminal')].map((g) => {
          const r = g.getBBox();
          const m = g.transform.baseVal.consolidate()?.matrix;
          return { name: g.textContent ?? '', box: new DOMRect(r.x + (m?.e ?? 0), r.y + (m?.f ?? 0), r.width, r.height) };
        });
        labels.forEach((a, i) => {
          for (const b of labels.slice(i + 1)) if (hit(a.box, b.box)) found.push(`${a.name} / ${b.name}`);
          for (const n of nodes) if (hit(a.box, n.box)) found.push(`${a.name} on node ${n.name}`);
        });
      }
      return found;
    });
    expect(collisions).toEqual([]);
    await flow.screenshot({ path: join(SHOTS, 'flow.png'), fullPage: true });

    // Run page: stdout follows live and shows the agent's markup as text; nothing of it runs.
    const runLink = active.locator('a[href*="/run/"]');
    const runHref = (await runLink.getAttribute('href'))!;
    const run = await newPage();
    run.on('pageerror', (e) => xssErrors.push(e.message));
    await run.goto(`${web.url}${runHref}`);
    const stdout = run.locator('pre[data-artifact^="runner_stdout."]');
    await stdout.waitFor();
    await expect(stdout.textContent()).resolves.toContain('<script>window.__xss = 1</script> builder started on web-001-banner');
    expect(await stdout.locator('script').count()).toBe(0);
    const lines = async () => ((await stdout.textContent()) ?? '').split('\n').length;
    const before = await lines();
    await waitFor('stdout to follow live', async () => (await lines()) > before);
    await expect(run.locator('.following').count()).resolves.toBe(1);
    await expect(run.locator('section[aria-label="Live activity"] .activity[data-source="runner"]').textContent()).resolves.toMatch(/builder working on web-001-banner: step \d+/);
    expect(await run.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await run.screenshot({ path: join(SHOTS, 'run.png'), fullPage: true });

    // The first task finishes: it moves from active to done on the open overview, without a reload (SSE).
    openGate(ws, 'builder-web-001-banner');
    await page.locator('[data-folder="task/done"] [data-item="web-001-banner"]').waitFor();
    await page.locator('.active-run[data-stage="builder"]').filter({ hasText: 'web-002-footer' }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    openGate(ws, 'all');
    await page.locator('[data-folder="task/done"] [data-item="web-002-footer"]').waitFor();
    await page.locator('[data-folder="task/queue"] .count').filter({ hasText: /^0$/ }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    // Usage totals and budgets from the status view: six stage runs (two tasks x builder, checker, updater) today.
    const budgets = page.locator('section[aria-label="Budgets"]');
    await budgets.locator('[data-budget="web-day"]').filter({ hasText: /^web-day \(UTC day\): tokens [1-9][\d,]*\/1,000,000$/ }).waitFor();
    await expect(budgets.locator('.budget-ok').textContent()).resolves.toBe('ok');
    await waitFor('today\'s usage on the overview', async () => {
      const today = (await page.locator('[data-usage="today"]').textContent()) ?? '';
      if (!/^[1-9][\d,]* tokens · \$\d+\.\d{4} · 6 runs$/.test(today)) throw new Error(`today's usage reads "${today}"`);
      return true;
    }, 30_000);
    await page.screenshot({ path: join(SHOTS, 'overview-budgets.png'), fullPage: true });

    // Item page: fields, body and history through builder, checker, updater.
    const item = await newPage();
    await item.goto(`${web.url}#/w/0/item/web-001-banner`);
    await item.locator('table.history').waitFor();
    const history = (await item.locator('table.history').textContent()) ?? '';
    for (const marker of ['BUILDER_COMPLETE', 'CHECKER_PASS', 'UPDATE_COMPLETE']) expect(history).toContain(marker);
    await expect(item.locator('[data-item-state]').textContent()).resolves.toContain('done');
    await item.screenshot({ path: join(SHOTS, 'item.png'), fullPage: true });

    const usage = await newPage();
    await usage.goto(`${web.url}#/w/0/usage`);
    await usage.locator('h1', { hasText: 'Usage' }).waitFor();
    // From the usage ledger, grouped like `millrace usage`: tokens and cost by stage and item, and the chart over time.
    await usage.locator('.chart canvas').first().waitFor();
    const byStage = (await usage.locator('ul[aria-label="tokens by stage"]').textContent()) ?? '';
    expect(byStage).toContain('execution/builder');
    expect(byStage).toContain('3,000 · $0.0240'); // two builder runs of 1,200 input + 300 output tokens, $0.012 each
    const byItem = (await usage.locator('section[aria-label="By work item"] table').textContent()) ?? '';
    expect(byItem).toContain('task:web-001-banner');
    await expect(usage.locator('.u-legend').textContent()).resolves.toContain('cost USD (cumulative)');
    await usage.screenshot({ path: join(SHOTS, 'usage.png'), fullPage: true });

    // A traversal URL opened in the browser is a 404.
    const traversal = await run.goto(`${web.url}api/w/0/runs/..%2F..%2Fstate/artifacts/runtime_snapshot.json`);
    expect(traversal?.status()).toBe(404);
    expect(xssErrors).toEqual([]);

    daemon.kill('SIGINT');
    await daemon;
  });

  it('control: absent without --allow-control; with it, the token pauses and resumes a live daemon through its mailbox', async () => {
    openGate(ws, 'all'); // a mailbox command is applied between stages, so no stage may wait on the test
    writeTask(ws, 'web-003-idle', 'One more task');
    const daemon = processes.millrace(['run', 'daemon', '-w', ws.root]);
    // Control goes through the mailbox only while a daemon holds the lock; before that it is applied directly.
    await waitFor('the daemon lock', () => existsSync(join(ws.runtime, 'state', 'runtime_daemon.lock.json')));
    const readOnly = await startWeb(processes, ['-w', ws.root]);
    const page = await newPage();
    await page.goto(readOnly.url);
    await page.locator('[data-runtime-state]').waitFor();
    expect(await page.locator('section[aria-label="Control"]').count()).toBe(0);
    const refused = await page.request.post(`${readOnly.url}api/w/0/control/pause`, { headers: { Origin: readOnly.url.replace(/\/$/, '') } });
    expect(refused.status()).toBe(404);

    const web = await startWeb(processes, ['-w', ws.root, '--allow-control']);
    await page.goto(web.url);
    const control = page.locator('section[aria-label="Control"]');
    await control.waitFor();
    await control.getByRole('button', { name: 'pause' }).click();
    await expect(control.locator('[role="status"]').filter({ hasText: 'refused' }).textContent()).resolves.toContain('control token');
    await control.locator('input[type="password"]').fill(web.token!);
    await control.getByRole('button', { name: 'pause' }).click();
    await control.locator('[role="status"]').filter({ hasText: 'pause: queued for daemon processing' }).waitFor();
    await page.locator('[data-runtime-state="paused"]').waitFor();
    await page.screenshot({ path: join(SHOTS, 'control.png'), fullPage: true });
    await control.getByRole('button', { name: 'resume' }).click();
    await page.locator('[data-runtime-state="paused"]').waitFor({ state: 'detached' });
    expect(readdirSync(join(ws.runtime, 'state', 'mailbox', 'processed')).length).toBeGreaterThanOrEqual(2);
    daemon.kill('SIGINT');
    await daemon;
  });
});

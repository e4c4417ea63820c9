import { append, h, getJson, tickElapsed } from './dom.js';
import * as overview from './pages/overview.js';
import * as flow from './pages/flow.js';
import * as item from './pages/item.js';
import * as run from './pages/run.js';
import * as usage from './pages/usage.js';

// Hash routes: #/ (every workspace), #/w/N/flow, #/w/N/usage, #/w/N/item/ID, #/w/N/run/ID.
const ROUTES = [
  [/^#?\/?$/, overview, () => ({})],
  [/^#\/w\/(\d+)$/, overview, (m) => ({ ws: Number(m[1]) })],
  [/^#\/w\/(\d+)\/flow$/, flow, (m) => ({ ws: Number(m[1]) })],
  [/^#\/w\/(\d+)\/usage$/, usage, (m) => ({ ws: Number(m[1]) })],
  [/^#\/w\/(\d+)\/item\/([^/]+)$/, item, (m) => ({ ws: Number(m[1]), id: decodeURIComponent(m[2]) })],
  [/^#\/w\/(\d+)\/run\/([^/]+)$/, run, (m) => ({ ws: Number(m[1]), id: decodeURIComponent(m[2]) })],
];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const liveBadge = document.getElementById('live');
let meta = { workspaces: [], control: false };
let current = null; // { page, params }
let rendering = false;
let again = false;

function match() {
  for (const [pattern, page, params] of ROUTES) {
    const m = pattern.exec(location.hash);
    if (m) return { page, params: params(m) };
  }
  return null;
}

function renderNav(params) {
  const ws = params.ws ?? 0;
  const here = location.hash || '#/';
  const item = (href, text) => h('a', { href, 'aria-current': here === href ? 'page' : null }, text);
  nav.replaceChildren();
  append(nav, [
    item('#/', 'Overview'),
    item(`#/w/${ws}/flow`, 'Flow'),
    item(`#/w/${ws}/usage`, 'Usage'),
    meta.workspaces.length > 1
      ? h('label', { class: 'ws-pick' }, 'Workspace ', h('select', { onchange: (e) => (location.hash = `#/w/${e.target.value}${here.replace(/^#\/w\/\d+/, '').replace(/^#\/?$/, '')}`) }, meta.workspaces.map((w) => h('option', { value: w.index, selected: w.index === ws }, w.name))))
      : null,
  ]);
}

async function render() {
  if (rendering) {
    again = true;
    return;
  }
  rendering = true;
  try {
    do {
      again = false;
      const route = match();
      if (!route) {
        main.replaceChildren(h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/' }, 'Back to the overview')));
        current = null;
        continue;
      }
      current = route;
      renderNav(route.params);
      try {
        const node = await route.page.load({ ...route.params, meta });
        if (current === route) main.replaceChildren(node);
      } catch (error) {
        main.replaceChildren(h('h1', {}, 'Cannot show this page'), h('p', { class: 'error', role: 'alert' }, error.message));
      }
      tickElapsed();
    } while (again);
  } finally {
    rendering = false;
  }
}

function connectLive() {
  const source = new EventSource('/api/live');
  source.addEventListener('hello', (e) => {
    const { mode } = JSON.parse(e.data);
    liveBadge.textContent = mode === 'watch' ? 'live' : 'live (polling)';
    liveBadge.className = 'live on';
    render(); // catch up on anything missed while disconnected
  });
  source.addEventListener('change', (e) => {
    const notice = JSON.parse(e.data);
    if (!current) return;
    const { page, params } = current;
    const relevant = (params.ws === undefined || params.ws === notice.workspace) && notice.topics.some((t) => page.topics.includes(t));
    if (relevant) render();
  });
  source.onerror = () => {
    liveBadge.textContent = 'reconnecting…';
    liveBadge.className = 'live off';
  };
}

meta = await getJson('/api/workspaces');
window.addEventListener('hashchange', () => {
  render();
  main.focus({ preventScroll: true });
});
setInterval(tickElapsed, 1000);
await render();
connectLive();

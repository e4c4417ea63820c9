import { ViewCache } from '../../src/server/view-cache.js';

describe('view cache', () => {
  it('shares one computation, keeps it until a notice of a topic it reads, and never keeps a failure', async () => {
    const cache = new ViewCache(60_000);
    let computed = 0;
    const compute = async () => ++computed;
    await expect(Promise.all([cache.get(0, 'status', ['state', 'queue'], compute), cache.get(0, 'status', ['state', 'queue'], compute)])).resolves.toEqual([1, 1]);
    cache.invalidate({ workspace: 0, topics: ['runs'] });
    cache.invalidate({ workspace: 1, topics: ['queue'] });
    await expect(cache.get(0, 'status', ['state', 'queue'], compute)).resolves.toBe(1);
    cache.invalidate({ workspace: 0, topics: ['queue'] });
    await expect(cache.get(0, 'status', ['state', 'queue'], compute)).resolves.toBe(2);
    await expect(cache.get(0, 'broken', ['state'], () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await new Promise((r) => setImmediate(r));
    await expect(cache.get(0, 'broken', ['state'], compute)).resolves.toBe(3);
  });

  it('recomputes after its maximum age', async () => {
    const cache = new ViewCache(0);
    let computed = 0;
    await cache.get(0, 'k', ['state'], async () => ++computed);
    await expect(cache.get(0, 'k', ['state'], async () => ++computed)).resolves.toBe(2);
  });
});

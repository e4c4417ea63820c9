import { mkdtempSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspacePaths } from '../../../src/workspace/paths.js';
import { acquireLock, inspectLock, releaseLock } from '../../../src/workspace/state/lock.js';

const DEAD_PID = 2_147_483_000;
function aWorkspace() {
  const paths = workspacePaths(mkdtempSync(join(tmpdir(), 'millrace-lock-')));
  mkdirSync(paths.state, { recursive: true });
  return paths;
}
const record = (paths: ReturnType<typeof workspacePaths>, over: Record<string, unknown>) =>
  writeFileSync(paths.lock, JSON.stringify({ workspace_root: paths.workspaceRoot, owner_pid: DEAD_PID, owner_hostname: hostname(), owner_session_id: 'a'.repeat(32), acquired_at: '2026-01-01T00:00:00Z', ...over }));

describe('runtime ownership lock (real files)', () => {
  it('acquires exclusively, refuses a live owner, releases only its own session', async () => {
    const paths = aWorkspace();
    const first = await acquireLock(paths, new Date());
    expect(first.takenOver).toBeNull();
    expect((await inspectLock(paths)).state).toBe('active');
    await expect(acquireLock(paths, new Date())).rejects.toMatchObject({ code: 'LOCK_HELD', message: expect.stringContaining(`already held by pid=${process.pid}`) });
    expect(await releaseLock(paths, 'someone-else')).toBe(false);
    expect(await releaseLock(paths, first.record.owner_session_id)).toBe(true);
    expect((await inspectLock(paths)).state).toBe('absent');
  });

  it('takes over a stale lock of a dead pid on this host and reports it', async () => {
    const paths = aWorkspace();
    record(paths, {});
    expect((await inspectLock(paths)).state).toBe('stale');
    const taken = await acquireLock(paths, new Date());
    expect(taken.takenOver?.detail).toContain(`pid=${DEAD_PID} is not running`);
    expect(taken.record.owner_pid).toBe(process.pid);
  });

  it('never judges a lock from another host by pid: it stays active and is refused', async () => {
    const paths = aWorkspace();
    record(paths, { owner_hostname: 'some-other-host' });
    expect((await inspectLock(paths)).state).toBe('active');
    await expect(acquireLock(paths, new Date())).rejects.toMatchObject({ code: 'LOCK_HELD' });
  });

  it('refuses an invalid lock file and leaves it for clear-stale-state', async () => {
    const paths = aWorkspace();
    writeFileSync(paths.lock, '{"owner_pid": "x"');
    expect((await inspectLock(paths)).state).toBe('invalid');
    await expect(acquireLock(paths, new Date())).rejects.toMatchObject({ code: 'LOCK_HELD', message: expect.stringContaining('run clear-stale-state to repair ownership lock') });
    expect(existsSync(paths.lock)).toBe(true);
  });
});
